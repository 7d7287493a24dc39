/**
 * Resend errors → our codes. Error bodies are `{statusCode, name, message}`; `name` is the
 * code, listed at https://resend.com/docs/api-reference/errors. `validation_error` is used
 * with 400, 403 and 422, so it is read with the status and message.
 */
import { type ErrorRules, type ProviderCodeTable, providerCodeRules } from '../../classify.js';

const refused = (code: string) => ({ retryable: false, code });

export const RESEND_CODES: ProviderCodeTable = {
  // 400: the Idempotency-Key is not 1-256 characters (ours never is: ids are ≤ 128).
  invalid_idempotency_key: refused('bad_request'),
  // 401 / 403: no key, a key restricted to other actions, a wrong key.
  missing_api_key: refused('unauthorized'),
  restricted_api_key: refused('unauthorized'),
  invalid_api_key: refused('unauthorized'),
  // 404, 405: wrong endpoint or method (a misconfigured base URL).
  not_found: refused('not_found'),
  method_not_allowed: refused('bad_request'),
  // 409 invalid_idempotent_request: this key was already used with another body within 24 h.
  // That earlier request was accepted, so the message may be out: never fail over.
  invalid_idempotent_request: { retryable: false, code: 'idempotency_conflict', accepted: 'maybe' },
  // 409 concurrent_idempotent_requests: the same key is still being processed; try again later.
  concurrent_idempotent_requests: { retryable: true, code: 'idempotency_in_progress', accepted: 'maybe' },
  // 422: the request is wrong.
  missing_required_field: refused('invalid_parameter'),
  invalid_parameter: refused('invalid_parameter'),
  invalid_attachment: refused('invalid_attachment'),
  invalid_from_address: refused('invalid_address'),
  invalid_access: refused('forbidden'),
  invalid_region: refused('bad_request'),
  // 429: the per-second rate and the daily quota wait; the monthly quota will not come back soon.
  rate_limit_exceeded: { retryable: true, code: 'throttled', throttled: true },
  daily_quota_exceeded: { retryable: true, code: 'daily_quota_exceeded', throttled: true },
  monthly_quota_exceeded: refused('monthly_quota_exceeded'),
  // 451 security_error: Resend refused the content or the account for security reasons.
  security_error: refused('security_error'),
  // 500: Resend's own failure, after it may have acted.
  application_error: { retryable: true, code: 'provider_error' },
  internal_server_error: { retryable: true, code: 'provider_error' },
};

const byCode = providerCodeRules(RESEND_CODES);

export const resendErrorRules: ErrorRules = (info) => {
  if (info.providerCode === 'validation_error') {
    // 403 "You can only send testing emails to your own email address" / "The domain is not verified".
    if (info.statusCode === 403) return refused('sender_not_verified');
    if (/Invalid `(from|to|cc|bcc|reply_to)` field/i.test(info.message)) return refused('invalid_address');
    if (info.statusCode === 401) return refused('unauthorized');
    return refused('invalid_parameter');
  }
  return byCode(info);
};
