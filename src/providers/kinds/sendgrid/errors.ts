/**
 * SendGrid Mail Send errors → our codes. Bodies are `{errors: [{message, field, help}]}` with no
 * code (https://www.twilio.com/docs/sendgrid/api-reference/mail-send/mail-send, Responses;
 * field-level messages: https://www.twilio.com/docs/sendgrid/api-reference/mail-send/errors),
 * so the rules read the status and the field / message. Documented statuses: 400 (every
 * problem listed), 401 (bad key), 403 (key without Mail Send, unverified Sender Identity,
 * credits exhausted), 404, 405, 413 (over 30 MB), 429, 500. The rest (401, 404, 405, 413,
 * 429, 5xx) is the generic table (../../classify.ts).
 */
import type { ErrorRules } from '../../classify.js';

interface SendgridError {
  readonly message?: unknown;
  readonly field?: unknown;
}

function errorsOf(body: unknown): SendgridError[] {
  const list = typeof body === 'object' && body !== null ? (body as { errors?: unknown }).errors : undefined;
  return Array.isArray(list) ? list.filter((e): e is SendgridError => typeof e === 'object' && e !== null) : [];
}

const text = (v: unknown) => (typeof v === 'string' ? v : '');

export const sendgridErrorRules: ErrorRules = (info) => {
  const errors = errorsOf(info.body);
  switch (info.statusCode) {
    case 400:
      // "Does not contain a valid address." on personalizations.N.to.M.email, from.email, reply_to.email…
      if (errors.some((e) => /(^|\.)email$|^from$/.test(text(e.field)) || /valid (email )?address/i.test(text(e.message))))
        return { retryable: false, code: 'invalid_address' };
      if (errors.some((e) => text(e.field) === 'template_id')) return { retryable: false, code: 'template_not_found' };
      return { retryable: false, code: 'bad_request' };
    case 403:
      // "The from address does not match a verified Sender Identity."
      if (errors.some((e) => /sender identity|verified/i.test(text(e.message)))) return { retryable: false, code: 'sender_not_verified' };
      // "Maximum credits exceeded": the plan's sends are used up until it renews or is upgraded.
      if (errors.some((e) => /credits/i.test(text(e.message)))) return { retryable: false, code: 'credits_exceeded' };
      return { retryable: false, code: 'forbidden' };
    default:
      return undefined;
  }
};
