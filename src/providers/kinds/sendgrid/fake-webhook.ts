/**
 * What SendGrid's Event Webhook POSTs, for the fake's `_fake/events`: a JSON array of events,
 * each with `sg_message_id` (the X-Message-Id plus a filter suffix) and the message's
 * custom_args flattened into the event, signed with ECDSA P-256 / SHA-256 over
 * `timestamp + body`: headers X-Twilio-Email-Event-Webhook-Signature (base64 DER) and
 * X-Twilio-Email-Event-Webhook-Timestamp.
 *
 * Written from:
 * - Event types and fields: https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/event
 * - Signed Event Webhook: https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/getting-started-event-webhook-security-features
 */
import { createHash, type KeyObject, sign } from 'node:crypto';
import { bareAddress } from '../../fakes/address.js';
import type { FakeEventName, FakeMessage } from '../../fakes/types.js';
import type { WebhookRequest } from '../../fakes/webhook.js';

export const SIGNATURE_HEADER = 'X-Twilio-Email-Event-Webhook-Signature';
export const TIMESTAMP_HEADER = 'X-Twilio-Email-Event-Webhook-Timestamp';

const UA = 'Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0';

function native(event: FakeEventName): Record<string, unknown> {
  switch (event) {
    case 'delivered':
      return { event: 'delivered', response: '250 OK', ip: '192.0.2.1', tls: 1 };
    case 'bounced':
      return {
        event: 'bounce',
        type: 'bounce',
        status: '5.1.1',
        reason: '550 5.1.1 The email account that you tried to reach does not exist.',
        bounce_classification: 'Invalid Address',
        ip: '192.0.2.1',
        tls: 1,
      };
    case 'deferred':
      return { event: 'deferred', response: '400 try again later', attempt: '1', ip: '192.0.2.1', tls: 1 };
    case 'opened':
      return { event: 'open', useragent: UA, ip: '198.51.100.7', sg_machine_open: false };
    case 'clicked':
      return {
        event: 'click',
        useragent: UA,
        ip: '198.51.100.7',
        url: 'https://example.com/clicked',
        url_offset: { index: 0, type: 'html' },
      };
    case 'complained':
      return { event: 'spamreport' };
    case 'unsubscribed':
      return { event: 'unsubscribe' };
  }
}

export function sendgridWebhook(message: FakeMessage, event: FakeEventName, privateKey: KeyObject, seq: number, now: Date): WebhookRequest {
  const timestamp = Math.floor(now.getTime() / 1000);
  const events = [
    {
      email: bareAddress(message.to[0] ?? message.cc[0] ?? message.bcc[0] ?? ''),
      timestamp,
      'smtp-id': `<${message.id}@fake.sendgrid.net>`,
      ...native(event),
      ...(message.tags.length ? { category: message.tags } : {}),
      sg_event_id: createHash('sha256').update(`${message.id}|${seq}`).digest('base64url').slice(0, 22),
      sg_message_id: `${message.id}.filterdrecv-fake-${seq}`,
      // custom_args arrive as top-level keys of each event.
      ...message.metadata,
    },
  ];
  const body = JSON.stringify(events);
  const signature = sign('sha256', Buffer.from(`${timestamp}${body}`), privateKey).toString('base64');
  return {
    headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signature, [TIMESTAMP_HEADER]: String(timestamp) },
    body,
  };
}
