/**
 * SES v2 errors → our codes. Source: the Errors sections of SendEmail and SendBulkEmail
 * (https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_SendEmail.html#API_SendEmail_Errors,
 * https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_SendBulkEmail.html) and the
 * sending-quota errors page (https://docs.aws.amazon.com/ses/latest/dg/manage-sending-quotas-errors.html).
 * Anything not listed falls through to the generic AWS classification (../aws-errors.ts):
 * throttling names, 429, 5xx, network and timeout errors are transient; other 4xx permanent.
 */

import type { SendStatus } from '../../contract/records.js';
import type { AwsErrorInfo, ErrorRule } from '../aws-errors.js';

export function sesErrorRule(info: AwsErrorInfo): ErrorRule | undefined {
  switch (info.name) {
    // Maximum sending rate exceeded (HTTP 429) and "Daily message quota exceeded": AWS says
    // wait (up to 10 minutes) and retry.
    case 'TooManyRequestsException':
    case 'ThrottlingException':
    case 'Throttling':
      return { retryable: true, code: 'throttled' };
    // Documented as "too many instances of the specified resource type"; the AWS SDK
    // classifies it as a throttling error, and on the send path it is a quota. Retries are
    // bounded by the queue's maxReceiveCount.
    case 'LimitExceededException':
      return { retryable: true, code: 'limit_exceeded' };
    case 'InternalServiceErrorException':
      return { retryable: true, code: 'provider_error' };
    // "The account's ability to send email is currently paused" (by the owner, or by SES
    // during a reputation review). Reversible, so transient: retries back off and the
    // message ends in the DLQ, from which an operator can redrive it after resuming.
    case 'SendingPausedException':
      return { retryable: true, code: 'sending_paused' };
    // "Permanently restricted": nothing to wait for.
    case 'AccountSuspendedException':
      return { retryable: false, code: 'account_suspended' };
    case 'MailFromDomainNotVerifiedException':
      return { retryable: false, code: 'mail_from_domain_not_verified' };
    case 'MessageRejected':
      // "Email address is not verified. The following identities failed the check…": the
      // sender identity (or, in the sandbox, a recipient) is not verified.
      return /not verified|failed the check/i.test(info.message)
        ? { retryable: false, code: 'identity_not_verified' }
        : { retryable: false, code: 'message_rejected' };
    case 'NotFoundException':
      if (/configuration set/i.test(info.message)) return { retryable: false, code: 'configuration_set_not_found' };
      if (/template/i.test(info.message)) return { retryable: false, code: 'template_not_found' };
      return { retryable: false, code: 'not_found' };
    case 'BadRequestException':
      // SES answers malformed addresses ("Illegal address", "Missing final '@domain'") with BadRequest.
      return /address|domain/i.test(info.message)
        ? { retryable: false, code: 'invalid_address' }
        : { retryable: false, code: 'bad_request' };
    case 'AccessDeniedException':
      return { retryable: false, code: 'access_denied' };
    default:
      return undefined;
  }
}

/**
 * Per-entry statuses of SendBulkEmail (BulkEmailEntryResult.Status) → our per-recipient
 * outcome. Transient ones are retried for that recipient only.
 * https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_BulkEmailEntryResult.html
 */
export function bulkStatusOutcome(status: string | undefined): { status: SendStatus; retryable: boolean; code?: string } {
  switch (status) {
    case 'SUCCESS':
      return { status: 'queued', retryable: false };
    case 'MESSAGE_REJECTED':
      return { status: 'rejected', retryable: false, code: 'message_rejected' };
    case 'INVALID_PARAMETER':
      return { status: 'invalid', retryable: false, code: 'invalid_parameter' };
    case 'ACCOUNT_THROTTLED':
      return { status: 'failed', retryable: true, code: 'throttled' };
    case 'ACCOUNT_DAILY_QUOTA_EXCEEDED':
      return { status: 'failed', retryable: true, code: 'daily_quota_exceeded' };
    case 'TRANSIENT_FAILURE':
      return { status: 'failed', retryable: true, code: 'transient_failure' };
    case 'ACCOUNT_SENDING_PAUSED':
    case 'CONFIGURATION_SET_SENDING_PAUSED':
      return { status: 'failed', retryable: true, code: 'sending_paused' };
    case 'MAIL_FROM_DOMAIN_NOT_VERIFIED':
    case 'CONFIGURATION_SET_NOT_FOUND':
    case 'TEMPLATE_NOT_FOUND':
    case 'ACCOUNT_SUSPENDED':
    case 'INVALID_SENDING_POOL_NAME':
    case 'FAILED':
      return { status: 'failed', retryable: false, code: status.toLowerCase() };
    default:
      // A status this code does not know: SES may or may not have sent it. Not retried
      // (that could send twice), recorded as unknown.
      return { status: 'unknown', retryable: false, code: status ? status.toLowerCase() : 'missing_status' };
  }
}
