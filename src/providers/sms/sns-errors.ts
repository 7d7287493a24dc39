/**
 * SNS Publish errors → our codes. Source: Publish Errors
 * (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html#API_Publish_Errors) and the
 * common errors; the rest falls through to the generic AWS classification (../aws-errors.ts).
 *
 * An opted-out number is usually NOT an API error: SNS accepts the Publish and the delivery
 * status log later says "Phone number is opted out" (tracking records that as `failed`).
 * OptedOutException and an "opted out" InvalidParameter are mapped in case SNS refuses up
 * front, and SnsSmsProvider's `checkOptOut` option asks CheckIfPhoneNumberIsOptedOut first.
 */
import type { AwsErrorInfo, ErrorRule } from '../aws-errors.js';

export function snsErrorRule(info: AwsErrorInfo): ErrorRule | undefined {
  const name = info.name.replace(/Exception$/, '');
  switch (name) {
    case 'Throttled':
    case 'Throttling':
    case 'KMSThrottling':
      return { retryable: true, code: 'throttled' };
    case 'InternalError':
      return { retryable: true, code: 'provider_error' };
    case 'OptedOut':
      return { retryable: false, code: 'opted_out' };
    case 'InvalidParameter':
    case 'InvalidParameterValue':
    case 'Validation':
      if (/opted.?out/i.test(info.message)) return { retryable: false, code: 'opted_out' };
      // "Invalid parameter: PhoneNumber Reason: +1… is not valid to publish to"
      if (/phone ?number/i.test(info.message)) return { retryable: false, code: 'invalid_number' };
      return { retryable: false, code: 'invalid_parameter' };
    case 'AuthorizationError':
      return { retryable: false, code: 'not_authorized' };
    case 'EndpointDisabled':
    case 'PlatformApplicationDisabled':
      return { retryable: false, code: 'endpoint_disabled' };
    case 'NotFound':
      return { retryable: false, code: 'not_found' };
    case 'InvalidSecurity':
      return { retryable: false, code: 'invalid_security' };
    case 'KMSAccessDenied':
    case 'KMSDisabled':
    case 'KMSInvalidState':
    case 'KMSNotFound':
    case 'KMSOptInRequired':
      return { retryable: false, code: 'kms_error' };
    default:
      return undefined;
  }
}
