/**
 * Postmark API error codes → our codes. Every error body is `{ErrorCode, Message}` (HTTP 401
 * for token errors, 422 for the rest, 429 when rate limited, 500/503 for Postmark's own
 * trouble); the codes are listed at https://postmarkapp.com/developer/api/overview#error-codes.
 * The same table classifies the per-message results of the batch endpoints
 * (./send.ts, batchOutcome), where each message carries its own ErrorCode.
 */

import type { SendStatus } from '../../../contract/records.js';
import { type ErrorRules, type ProviderCodeTable, providerCodeRules } from '../../classify.js';

const refused = (code: string) => ({ retryable: false, code });

export const POSTMARK_CODES: ProviderCodeTable = {
  // 10 "Bad or missing API token".
  '10': refused('unauthorized'),
  // 100 "Maintenance": the API is offline for maintenance. Whether the request was processed
  // is left to the HTTP status (503: no; 500: maybe).
  '100': { retryable: true, code: 'unavailable' },
  // 300 "Invalid email request": no body, no or too many recipients, an illegal address (see
  // https://postmarkapp.com/support/article/1180-what-does-errorcode-300-mean).
  '300': refused('invalid_parameter'),
  // 400 "Sender Signature not found", 401 "Sender signature not confirmed".
  '400': refused('sender_not_verified'),
  '401': refused('sender_not_verified'),
  // 402 "Invalid JSON", 403 "Incompatible JSON", 409 "JSON required": our request is wrong.
  '402': refused('bad_request'),
  '403': refused('bad_request'),
  '409': refused('bad_request'),
  // 405 "Not allowed to send": the account ran out of credits.
  '405': refused('credits_exceeded'),
  // 406 "Inactive recipient": hard bounce, spam complaint or manual suppression at Postmark.
  '406': refused('suppressed'),
  // 410 "Too many batch messages" (over 500).
  '410': refused('bad_request'),
  // 411 "Forbidden attachment type".
  '411': refused('forbidden_attachment'),
  // 412 "Account is pending": may only send to addresses of the From domain until approved.
  '412': refused('account_pending'),
  // 413 "Account may not send".
  '413': refused('account_suspended'),
  // 429 "Rate limit exceeded".
  '429': { retryable: true, code: 'throttled', throttled: true, accepted: 'no' },
  // 1101 "Template not found" (TemplateId / TemplateAlias unknown), Templates API.
  '1101': refused('template_not_found'),
};

const byCode = providerCodeRules(POSTMARK_CODES);

export const postmarkErrorRules: ErrorRules = (info) => {
  const rule = byCode(info);
  // ErrorCode 300 for an address says which field ("Error parsing 'To': Illegal email address").
  if (rule?.code === 'invalid_parameter' && /illegal email address|invalid '(from|to|cc|bcc)' address/i.test(info.message))
    return { ...rule, code: 'invalid_address' };
  return rule;
};

/** One batch result's ErrorCode → a recipient outcome (0 is success). */
export function batchOutcome(errorCode: number, message: string): { status: SendStatus; code?: string; retryable?: boolean } {
  if (errorCode === 0) return { status: 'queued' };
  const rule = Object.hasOwn(POSTMARK_CODES, String(errorCode)) ? POSTMARK_CODES[String(errorCode)]! : undefined;
  if (!rule) return { status: 'failed', code: `postmark_${errorCode}` };
  const code = rule.code === 'invalid_parameter' && /illegal email address/i.test(message) ? 'invalid_address' : rule.code;
  const status: SendStatus =
    code === 'suppressed' ? 'rejected' : code === 'invalid_address' || code === 'invalid_parameter' ? 'invalid' : 'failed';
  return { status, code, ...(rule.retryable ? { retryable: true } : {}) };
}
