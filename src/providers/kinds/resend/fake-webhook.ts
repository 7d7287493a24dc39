/**
 * What Resend POSTs to a webhook endpoint, for the fake's `_fake/events`: `{type, created_at,
 * data: {email_id, from, to, subject, tags: [{name, value}], ...}}`, signed the Svix way:
 * headers svix-id, svix-timestamp and svix-signature = `v1,` + base64(HMAC-SHA256(base64
 * decoded secret after `whsec_`, `${id}.${timestamp}.${body}`)).
 *
 * Written from:
 * - Event types: https://resend.com/docs/dashboard/webhooks/event-types
 * - Body parameters (tags as [{name, value}], bounce, click, open objects):
 *   https://resend.com/docs/dashboard/webhooks/body-parameters
 * - Verifying requests: https://resend.com/docs/dashboard/webhooks/verify-webhooks-requests
 *   and Svix's manual verification: https://docs.svix.com/receiving/verifying-payloads/how-manual
 * Resend has no email event for an unsubscribe, so `unsubscribed` is refused (422).
 */
import { createHmac } from 'node:crypto';
import { UnsupportedFakeEventError } from '../../fakes/control.js';
import type { FakeEventName, FakeMessage } from '../../fakes/types.js';
import type { WebhookRequest } from '../../fakes/webhook.js';

const UA = 'Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0';

function native(event: FakeEventName, at: string): { type: string; extra: Record<string, unknown> } {
  switch (event) {
    case 'delivered':
      return { type: 'email.delivered', extra: {} };
    case 'deferred':
      return { type: 'email.delivery_delayed', extra: {} };
    case 'bounced':
      return {
        type: 'email.bounced',
        extra: {
          bounce: {
            diagnosticCode: ['smtp; 550 5.1.1 The email account that you tried to reach does not exist.'],
            message: "The recipient's email address is on the suppression list because it has a recent history of producing hard bounces.",
            subType: 'General',
            type: 'Permanent',
          },
        },
      };
    case 'complained':
      return { type: 'email.complained', extra: {} };
    case 'opened':
      return { type: 'email.opened', extra: { open: { ipAddress: '198.51.100.7', timestamp: at, userAgent: UA } } };
    case 'clicked':
      return {
        type: 'email.clicked',
        extra: { click: { ipAddress: '198.51.100.7', link: 'https://example.com/clicked', timestamp: at, userAgent: UA } },
      };
    case 'unsubscribed':
      throw new UnsupportedFakeEventError('Resend sends no email event for unsubscribes (see its event types)');
  }
}

/** The Svix signature of one delivery. */
export function svixSignature(secret: string, id: string, timestamp: string, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

export function resendWebhook(message: FakeMessage, event: FakeEventName, secret: string, seq: number, now: Date): WebhookRequest {
  const at = now.toISOString();
  const { type, extra } = native(event, at);
  const body = JSON.stringify({
    type,
    created_at: at,
    data: {
      created_at: (message.extra.createdAt as string | undefined) ?? at,
      email_id: message.id,
      from: message.from ?? '',
      to: message.to,
      subject: message.subject ?? '',
      tags: Object.entries(message.metadata).map(([name, value]) => ({ name, value })),
      ...extra,
    },
  });
  // Svix message ids are msg_ + 27 characters; ours count up.
  const id = `msg_fake${String(seq).padStart(23, '0')}`;
  const timestamp = String(Math.floor(now.getTime() / 1000));
  return {
    headers: {
      'content-type': 'application/json',
      'svix-id': id,
      'svix-timestamp': timestamp,
      'svix-signature': svixSignature(secret, id, timestamp, body),
    },
    body,
  };
}
