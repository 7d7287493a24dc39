/**
 * Mailgun error answers → our codes. Mailgun's error bodies carry no code, only
 * `{message}` (or a bare `Forbidden` for a bad key), so the rules read the status and the
 * documented message. Statuses: https://documentation.mailgun.com/docs/mailgun/api-reference/api-overview
 * ("200 Everything worked as expected; 400 Bad Request - Often missing a required parameter;
 * 401 Unauthorized - No valid API key provided; 402 Request Failed - Parameters were valid but
 * request failed; 403 Forbidden; 404 Not Found; 413 Request Entity Too Large; 429 Too Many
 * Requests; 500, 502, 503, 504 Server Errors"). Anything not claimed here falls to the generic
 * tables (../../classify.ts): 401 unauthorized, 413 payload_too_large, 429 throttled, 5xx.
 */
import type { ErrorRules } from '../../classify.js';

const messageOf = (body: unknown): string =>
  typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string'
    ? (body as { message: string }).message
    : '';

export const mailgunErrorRules: ErrorRules = (info) => {
  const message = messageOf(info.body);
  switch (info.statusCode) {
    case 400:
      // "to parameter is not a valid address. please check documentation"
      // (https://documentation.mailgun.com/docs/mailgun/user-manual/sending-messages/send-http)
      if (/not a valid address/i.test(message)) return { retryable: false, code: 'invalid_address' };
      return { retryable: false, code: 'bad_request' };
    case 402:
      // "Parameters were valid but request failed": retrying the same request cannot help.
      return { retryable: false, code: 'request_failed' };
    case 403:
      // Sandbox domains send only to authorized recipients; other 403s: the key may not use the domain.
      if (/sandbox|authorized recipients/i.test(message)) return { retryable: false, code: 'recipient_not_authorized' };
      return { retryable: false, code: 'forbidden' };
    case 404:
      // "Domain not found: mg.example.com": the configured domain is wrong or not in this region.
      if (/domain not found/i.test(message)) return { retryable: false, code: 'domain_not_found' };
      return undefined;
    default:
      return undefined;
  }
};
