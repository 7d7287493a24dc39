/**
 * Translation of AWS SDK v3 errors into our typed provider errors, at the adapter boundary.
 *
 * Each adapter passes its own rules (SES: ./email/ses-errors.ts, SNS: ./sms/sns-errors.ts)
 * for the service's modelled exceptions; what no rule claims falls through to the generic
 * classification below, which mirrors the AWS SDK's own retry classification
 * (@smithy/service-error-classification: throttling error codes, HTTP 429/5xx, Node.js
 * network and timeout error codes):
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html
 *
 * The SDK has already retried throttling and 5xx errors with its own backoff by the time we
 * see them, so a transient error here means "try again minutes later" (the SQS visibility
 * backoff), not "try again now".
 */
import type { SendStatus } from '../contract/records.js';
import { type ErrorInfo, type ErrorRule, type ErrorRules, NETWORK_TABLE } from './classify.js';
import { ProviderError, providerErrorFrom, UnsupportedFeatureError } from './errors.js';

/** What we read off an SDK (or Node.js) error: the transport-neutral ErrorInfo (./classify.ts). */
export type AwsErrorInfo = ErrorInfo;
export type { ErrorRule, ErrorRules } from './classify.js';

/** Error codes the SDK classifies as throttling. */
const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestThrottled',
  'RequestThrottledException',
  'RequestLimitExceeded',
  'BandwidthLimitExceeded',
  'SlowDown',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'EC2ThrottledException',
  'TransactionInProgressException',
]);
const TIMEOUTS = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'AbortError']);
/** Node.js socket/DNS failures (./classify.ts NETWORK_TABLE says which ones never reached AWS). */
const NETWORK_CODES = new Set(Object.keys(NETWORK_TABLE));
/** Credentials the SDK will refresh on its own (Lambda role sessions). */
const EXPIRED_CREDENTIALS = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired']);
/** JavaScript errors that mean a bug or a malformed request on our side: retrying cannot fix them. */
const PROGRAMMING_ERRORS = new Set(['TypeError', 'RangeError', 'SyntaxError', 'ReferenceError']);

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}

function findSystemCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined; depth++) {
    const code = record(current)?.code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
    current = record(current)?.cause;
  }
  return undefined;
}

export function describeAwsError(error: unknown): AwsErrorInfo {
  const e = record(error) ?? {};
  const metadata = record(e.$metadata);
  const statusCode = typeof metadata?.httpStatusCode === 'number' ? metadata.httpStatusCode : undefined;
  const fault = e.$fault === 'client' || e.$fault === 'server' ? e.$fault : undefined;
  const name =
    typeof e.name === 'string' && e.name !== 'Error'
      ? e.name
      : typeof e.Code === 'string'
        ? e.Code
        : typeof e.code === 'string'
          ? e.code
          : 'Error';
  const message = typeof e.message === 'string' ? e.message : safeString(error);
  return { name, message, statusCode, fault, systemCode: findSystemCode(error) };
}

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value); // objects without a usable toString
  }
}

export function classifyAwsError(info: AwsErrorInfo): ErrorRule {
  if (THROTTLING.has(info.name) || info.statusCode === 429) return { retryable: true, code: 'throttled' };
  if (TIMEOUTS.has(info.name)) return { retryable: true, code: 'timeout' };
  if (info.systemCode) return { retryable: true, code: NETWORK_TABLE[info.systemCode]?.code ?? 'network' };
  if (EXPIRED_CREDENTIALS.has(info.name)) return { retryable: true, code: 'credentials_expired' };
  if ((info.statusCode !== undefined && info.statusCode >= 500) || info.fault === 'server')
    return { retryable: true, code: 'provider_error' };
  if (info.statusCode !== undefined && info.statusCode >= 400) return { retryable: false, code: snakeCase(info.name) };
  if (info.name === 'AccessDeniedException' || info.name === 'AccessDenied') return { retryable: false, code: 'access_denied' };
  if (PROGRAMMING_ERRORS.has(info.name)) return { retryable: false, code: 'internal_error' };
  // No HTTP response and no known shape: most likely the request died on the way. Retries
  // are bounded by the queue's maxReceiveCount, after which the message is `failed`.
  return { retryable: true, code: 'unknown_error' };
}

/** `MailFromDomainNotVerifiedException` → `mail_from_domain_not_verified`. */
export function snakeCase(name: string): string {
  return (
    name
      .replace(/Exception$/, '')
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .replace(/[^A-Za-z0-9]+/g, '_')
      .toLowerCase()
      .replace(/^_+|_+$/g, '') || 'error'
  );
}

/**
 * The boundary: anything a provider call throws becomes a ProviderError (or passes through
 * if it already is one, or an UnsupportedFeatureError).
 */
export function translateAwsError(error: unknown, provider: string, rules?: ErrorRules): ProviderError | UnsupportedFeatureError {
  if (error instanceof ProviderError || error instanceof UnsupportedFeatureError) return error;
  const info = describeAwsError(error);
  return providerErrorFrom(info, rules?.(info) ?? classifyAwsError(info), provider, error);
}

/** The per-recipient send status a permanent error code stands for (Anymail's AnymailStatus). */
export function sendStatusForCode(code: string): SendStatus {
  switch (code) {
    case 'message_rejected':
    case 'opted_out':
    case 'suppressed':
      return 'rejected';
    case 'invalid_number':
    case 'invalid_address':
    case 'invalid_parameter':
      return 'invalid';
    default:
      return 'failed';
  }
}
