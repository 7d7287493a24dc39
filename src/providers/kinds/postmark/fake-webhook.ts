/**
 * What Postmark POSTs to a webhook URL, for the fake's `_fake/events`: one JSON object per
 * event with its RecordType and the message's Metadata and Tag. Postmark authenticates with
 * the basic-auth credentials embedded in the URL, so the fake sends `Authorization: Basic`.
 *
 * Written from:
 * - Delivery: https://postmarkapp.com/developer/webhooks/delivery-webhook
 * - Bounce (Type/TypeCode, Inactive): https://postmarkapp.com/developer/webhooks/bounce-webhook
 *   and bounce types: https://postmarkapp.com/developer/api/bounce-api#bounce-types
 * - SpamComplaint: https://postmarkapp.com/developer/webhooks/spam-complaint-webhook
 * - Open: https://postmarkapp.com/developer/webhooks/open-tracking-webhook
 * - Click: https://postmarkapp.com/developer/webhooks/click-webhook
 * - SubscriptionChange: https://postmarkapp.com/developer/webhooks/subscription-change-webhook
 * - Basic auth in the URL: https://postmarkapp.com/developer/webhooks/webhooks-overview
 */
import { bareAddress } from '../../fakes/address.js';
import type { FakeEventName, FakeMessage } from '../../fakes/types.js';
import type { WebhookRequest } from '../../fakes/webhook.js';

const SERVER_ID = 1;
const CLIENT = {
  Client: { Name: 'Firefox 120.0', Company: 'Mozilla', Family: 'Firefox' },
  OS: { Name: 'Linux', Company: '-', Family: 'Linux' },
  Platform: 'Desktop',
  UserAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0',
  Geo: { CountryISOCode: 'US', Country: 'United States', Region: 'CA', City: 'San Francisco', IP: '198.51.100.7' },
};

function bounce(type: 'HardBounce' | 'SoftBounce' | 'SpamComplaint', message: FakeMessage, recipient: string, seq: number, at: string) {
  const kinds = {
    HardBounce: {
      TypeCode: 1,
      Name: 'Hard bounce',
      Description: 'The server was unable to deliver your message (ex: unknown user, mailbox not found).',
      Details: 'smtp;550 5.1.1 The email account that you tried to reach does not exist.',
      Inactive: true,
    },
    SoftBounce: {
      TypeCode: 4096,
      Name: 'Soft bounce/Undeliverable',
      Description: 'Unable to temporarily deliver this email.',
      Details: 'smtp;452 4.2.2 Mailbox full',
      Inactive: false,
    },
    SpamComplaint: {
      TypeCode: 512,
      Name: 'Spam complaint',
      Description: 'The subscriber explicitly marked this message as spam.',
      Details: 'Test spam complaint details',
      Inactive: true,
    },
  } as const;
  return {
    RecordType: type === 'SpamComplaint' ? 'SpamComplaint' : 'Bounce',
    ID: seq,
    Type: type,
    ...kinds[type],
    Email: recipient,
    From: bareAddress(message.from ?? ''),
    BouncedAt: at,
    DumpAvailable: false,
    CanActivate: true,
    Subject: message.subject ?? '',
    Content: '',
  };
}

function payload(message: FakeMessage, event: FakeEventName, seq: number, now: Date): Record<string, unknown> {
  const recipient = bareAddress(message.to[0] ?? message.cc[0] ?? message.bcc[0] ?? '');
  const at = now.toISOString();
  switch (event) {
    case 'delivered':
      return { RecordType: 'Delivery', Recipient: recipient, DeliveredAt: at, Details: 'smtp;250 2.0.0 OK' };
    case 'bounced':
      return bounce('HardBounce', message, recipient, seq, at);
    case 'deferred':
      return bounce('SoftBounce', message, recipient, seq, at);
    case 'complained':
      return bounce('SpamComplaint', message, recipient, seq, at);
    case 'opened':
      return { RecordType: 'Open', FirstOpen: true, Recipient: recipient, ReceivedAt: at, ReadSeconds: 5, ...CLIENT };
    case 'clicked':
      return {
        RecordType: 'Click',
        ClickLocation: 'HTML',
        OriginalLink: 'https://example.com/clicked',
        Recipient: recipient,
        ReceivedAt: at,
        ...CLIENT,
      };
    case 'unsubscribed':
      return {
        RecordType: 'SubscriptionChange',
        Recipient: recipient,
        ChangedAt: at,
        Origin: 'Recipient',
        SuppressSending: true,
        SuppressionReason: 'ManualSuppression',
      };
  }
}

export function postmarkWebhook(
  message: FakeMessage,
  event: FakeEventName,
  auth: { username: string; password: string },
  seq: number,
  now: Date,
): WebhookRequest {
  const body = {
    ...payload(message, event, seq, now),
    MessageID: message.id,
    ServerID: SERVER_ID,
    MessageStream: (message.extra.messageStream as string | undefined) ?? 'outbound',
    Tag: message.tags[0] ?? '',
    Metadata: message.metadata,
  };
  const basic = Buffer.from(`${auth.username}:${auth.password}`).toString('base64');
  return { headers: { 'content-type': 'application/json', authorization: `Basic ${basic}` }, body: JSON.stringify(body) };
}
