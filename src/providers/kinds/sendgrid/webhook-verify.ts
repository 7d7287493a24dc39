/**
 * Verifies SendGrid's Signed Event Webhook: ECDSA P-256 with SHA-256 over `timestamp + raw body`,
 * signature (base64 DER) in `X-Twilio-Email-Event-Webhook-Signature`, timestamp in
 * `X-Twilio-Email-Event-Webhook-Timestamp`, verified with the verification key SendGrid shows
 * (base64 DER SubjectPublicKeyInfo). The timestamp must be within the tolerance. SendGrid sends
 * no delivery id, so the replay guard remembers the signature itself: the same signed request
 * twice is refused (a redelivery is signed anew, with a new timestamp).
 * https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/getting-started-event-webhook-security-features
 *
 * Inbound Parse is not signed by SendGrid: it is authenticated like Postmark, with basic-auth
 * credentials in the URL (`verifyInbound`).
 * https://www.twilio.com/docs/sendgrid/for-developers/parsing-email/setting-up-the-inbound-parse-webhook
 */
import { createHash, createPublicKey, type KeyObject, verify as verifySignature } from 'node:crypto';
import { type BasicAuthCredentials, checkBasicAuth } from '../../webhooks/basic-auth.js';
import { type FormPayload, isFormRequest, parseFormBody, parseJsonBody } from '../../webhooks/body.js';
import { WebhookRefusedError } from '../../webhooks/errors.js';
import { assertFresh, DEFAULT_TOLERANCE_SECONDS, unixSeconds } from '../../webhooks/timestamp.js';
import { headerOf, type ReplayGuard, type WebhookRequest } from '../../webhooks/types.js';

export const SIGNATURE_HEADER = 'X-Twilio-Email-Event-Webhook-Signature';
export const TIMESTAMP_HEADER = 'X-Twilio-Email-Event-Webhook-Timestamp';

export interface SendgridWebhookCredentials {
  /** The Signed Event Webhook verification key: base64 DER SPKI (or a PEM). */
  readonly publicKey: string;
  /** Basic-auth credentials embedded in the Inbound Parse URL, if inbound is used. */
  readonly inbound?: BasicAuthCredentials;
}

export interface SendgridVerifyOptions {
  readonly toleranceSeconds?: number;
}

export async function verify(
  request: WebhookRequest,
  credentials: SendgridWebhookCredentials,
  now: Date,
  replayGuard?: ReplayGuard,
  options: SendgridVerifyOptions = {},
): Promise<unknown> {
  const key = publicKeyOf(credentials.publicKey);
  const signature = headerOf(request, SIGNATURE_HEADER);
  const timestamp = headerOf(request, TIMESTAMP_HEADER);
  if (!signature || !timestamp)
    throw new WebhookRefusedError('missing_signature', `sendgrid: no ${SIGNATURE_HEADER} or ${TIMESTAMP_HEADER}`);
  const der = Buffer.from(signature.trim(), 'base64');
  const signed = Buffer.concat([Buffer.from(timestamp, 'utf8'), request.rawBody]);
  let valid = false;
  try {
    valid = der.length > 0 && verifySignature('sha256', signed, key, der);
  } catch {
    valid = false; // not a DER signature at all
  }
  if (!valid) throw new WebhookRefusedError('bad_signature', 'sendgrid: signature does not verify');
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  assertFresh(unixSeconds(timestamp, 'sendgrid'), now, tolerance, 'sendgrid');
  const replayKey = `sendgrid:${createHash('sha256').update(der).digest('hex')}`;
  if (replayGuard && (await replayGuard.seen(replayKey, tolerance * 2)))
    throw new WebhookRefusedError('replayed', 'sendgrid: this signed request was already received');
  return parseJsonBody(request, 'sendgrid');
}

/** Inbound Parse posts (multipart form) authenticated by basic auth in the URL. */
export async function verifyInbound(request: WebhookRequest, credentials: SendgridWebhookCredentials): Promise<FormPayload> {
  if (!credentials.inbound) throw new WebhookRefusedError('bad_credentials', 'sendgrid: no Inbound Parse credentials configured');
  checkBasicAuth(request, credentials.inbound, 'sendgrid');
  if (!isFormRequest(request)) throw new WebhookRefusedError('malformed', 'sendgrid: Inbound Parse posts multipart/form-data');
  return parseFormBody(request, 'sendgrid');
}

const keys = new Map<string, KeyObject>();

function publicKeyOf(text: string): KeyObject {
  const cached = keys.get(text);
  if (cached) return cached;
  let key: KeyObject;
  try {
    key = text.includes('-----BEGIN')
      ? createPublicKey(text)
      : createPublicKey({ key: Buffer.from(text, 'base64'), format: 'der', type: 'spki' });
  } catch (error) {
    throw new WebhookRefusedError('bad_credentials', 'sendgrid: the verification key is not a public key', { cause: error });
  }
  if (key.asymmetricKeyType !== 'ec') throw new WebhookRefusedError('bad_credentials', 'sendgrid: the verification key is not an EC key');
  if (keys.size > 16) keys.clear();
  keys.set(text, key);
  return key;
}
