/**
 * Verifies a Mailgun webhook: tracking (JSON `{signature: {timestamp, token, signature},
 * "event-data"}`) and inbound routes (form posts with `timestamp`, `token`, `signature` fields).
 * signature = hex HMAC-SHA256(webhook signing key, timestamp + token), compared in constant
 * time; the timestamp must be within the tolerance; a token seen before is a replay.
 * Mailgun's signature does not cover the body (`event-data`): it proves the request came from
 * someone holding the key within the window, and HTTPS is what keeps the body intact in transit.
 * https://documentation.mailgun.com/docs/mailgun/user-manual/webhooks/securing-webhooks
 * https://documentation.mailgun.com/docs/mailgun/user-manual/receive-forward-store/receive-http
 */
import { createHmac } from 'node:crypto';
import { formField, isFormPayload, isFormRequest, parseFormBody, parseJsonBody } from '../../webhooks/body.js';
import { constantTimeEqual } from '../../webhooks/compare.js';
import { WebhookRefusedError } from '../../webhooks/errors.js';
import { assertFresh, DEFAULT_TOLERANCE_SECONDS, unixSeconds } from '../../webhooks/timestamp.js';
import type { ReplayGuard, WebhookRequest } from '../../webhooks/types.js';

export interface MailgunWebhookCredentials {
  /** The domain's HTTP webhook signing key (Mailgun console → Webhooks). */
  readonly signingKey: string;
}

export interface MailgunVerifyOptions {
  readonly toleranceSeconds?: number;
}

/** The parsed JSON body (tracking) or the form (inbound routes), once the signature holds. */
export type MailgunPayload = unknown;

export async function verify(
  request: WebhookRequest,
  credentials: MailgunWebhookCredentials,
  now: Date,
  replayGuard?: ReplayGuard,
  options: MailgunVerifyOptions = {},
): Promise<MailgunPayload> {
  if (!credentials.signingKey) throw new WebhookRefusedError('bad_credentials', 'mailgun: no webhook signing key configured');
  const payload = isFormRequest(request) ? await parseFormBody(request, 'mailgun') : parseJsonBody(request, 'mailgun');
  const { timestamp, token, signature } = signatureOf(payload);
  if (!timestamp || !token || !signature) throw new WebhookRefusedError('missing_signature', 'mailgun: no signature, token or timestamp');
  const expected = createHmac('sha256', credentials.signingKey)
    .update(timestamp + token)
    .digest('hex');
  if (!constantTimeEqual(signature.toLowerCase(), expected))
    throw new WebhookRefusedError('bad_signature', 'mailgun: signature does not match');
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  assertFresh(unixSeconds(timestamp, 'mailgun'), now, tolerance, 'mailgun');
  // Checked last: only a genuine, fresh token is remembered. Kept twice the tolerance, so a
  // token cannot outlive its memory while its timestamp is still accepted.
  if (replayGuard && (await replayGuard.seen(`mailgun:${token}`, tolerance * 2)))
    throw new WebhookRefusedError('replayed', 'mailgun: token already used');
  return payload;
}

function signatureOf(payload: unknown): { timestamp?: string; token?: string; signature?: string } {
  if (isFormPayload(payload))
    return { timestamp: formField(payload, 'timestamp'), token: formField(payload, 'token'), signature: formField(payload, 'signature') };
  const sig = typeof payload === 'object' && payload !== null ? (payload as { signature?: unknown }).signature : undefined;
  if (typeof sig !== 'object' || sig === null) return {};
  const s = sig as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
  return { timestamp: text(s['timestamp']), token: text(s['token']), signature: text(s['signature']) };
}
