/**
 * Verifies a Postmark webhook. Postmark signs nothing: the user embeds basic-auth credentials in
 * the webhook URL (`https://user:pass@…`) and Postmark sends them as `Authorization: Basic`,
 * compared here in constant time. There is no timestamp and no delivery id, so neither a stale
 * nor a replayed request can be told apart from a genuine one at this step: replays are absorbed
 * by the deterministic event ids (the stored event is found and nothing happens twice), and the
 * credentials must be kept secret and rotated like a password.
 * https://postmarkapp.com/developer/webhooks/webhooks-overview
 * https://postmarkapp.com/developer/user-guide/inbound/configure-an-inbound-server (basic auth for inbound too)
 */
import { type BasicAuthCredentials, checkBasicAuth } from '../../webhooks/basic-auth.js';
import { parseJsonBody } from '../../webhooks/body.js';
import type { ReplayGuard, WebhookRequest } from '../../webhooks/types.js';

export type PostmarkWebhookCredentials = BasicAuthCredentials;

/**
 * `now` and `replayGuard` are accepted for the common verifier signature and deliberately
 * unused: Postmark sends nothing to check them against.
 */
export async function verify(
  request: WebhookRequest,
  credentials: PostmarkWebhookCredentials,
  _now?: Date,
  _replayGuard?: ReplayGuard,
): Promise<unknown> {
  checkBasicAuth(request, credentials, 'postmark');
  return parseJsonBody(request, 'postmark');
}
