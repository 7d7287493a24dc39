/**
 * Verifies a Resend webhook, signed the Svix way: headers `svix-id`, `svix-timestamp` (Unix
 * seconds) and `svix-signature`, a space-separated list of `v1,<base64>` (several during a
 * secret rotation: any match is enough); each is base64(HMAC-SHA256(key, `${id}.${timestamp}.${body}`))
 * with key = the base64 after `whsec_` of the signing secret. Timestamps more than five minutes
 * away are refused, and a `svix-id` seen before is a replay (Svix keeps the id across retries).
 * https://resend.com/docs/dashboard/webhooks/verify-webhooks-requests
 * https://docs.svix.com/receiving/verifying-payloads/how-manual
 */
import { createHmac } from 'node:crypto';
import { parseJsonBody } from '../../webhooks/body.js';
import { constantTimeEqual } from '../../webhooks/compare.js';
import { WebhookRefusedError } from '../../webhooks/errors.js';
import { assertFresh, DEFAULT_TOLERANCE_SECONDS, unixSeconds } from '../../webhooks/timestamp.js';
import { headerOf, type ReplayGuard, type WebhookRequest } from '../../webhooks/types.js';

export interface ResendWebhookCredentials {
  /** The endpoint's signing secret, `whsec_<base64>`. */
  readonly signingSecret: string;
}

export interface ResendVerifyOptions {
  readonly toleranceSeconds?: number;
}

export async function verify(
  request: WebhookRequest,
  credentials: ResendWebhookCredentials,
  now: Date,
  replayGuard?: ReplayGuard,
  options: ResendVerifyOptions = {},
): Promise<unknown> {
  const key = secretKey(credentials.signingSecret);
  const id = headerOf(request, 'svix-id');
  const timestamp = headerOf(request, 'svix-timestamp');
  const signatures = headerOf(request, 'svix-signature');
  if (!id || !timestamp || !signatures)
    throw new WebhookRefusedError('missing_signature', 'resend: no svix-id, svix-timestamp or svix-signature');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(request.rawBody).digest('base64');
  let matched = false;
  for (const entry of signatures.split(' ')) {
    const comma = entry.indexOf(',');
    if (comma < 0 || entry.slice(0, comma) !== 'v1') continue; // other versions are not HMAC
    // Every entry is compared (no early exit), so the time does not say which one matched.
    if (constantTimeEqual(entry.slice(comma + 1), expected)) matched = true;
  }
  if (!matched) throw new WebhookRefusedError('bad_signature', 'resend: no v1 signature matches');
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  assertFresh(unixSeconds(timestamp, 'resend'), now, tolerance, 'resend');
  if (replayGuard && (await replayGuard.seen(`resend:${id}`, tolerance * 2)))
    throw new WebhookRefusedError('replayed', `resend: svix-id ${id} already received`);
  return parseJsonBody(request, 'resend');
}

function secretKey(secret: string): Buffer {
  const b64 = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
  const key = Buffer.from(b64, 'base64');
  if (!b64 || key.length === 0) throw new WebhookRefusedError('bad_credentials', 'resend: the signing secret is not whsec_<base64>');
  return key;
}
