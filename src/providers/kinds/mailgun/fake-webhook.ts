/**
 * What Mailgun POSTs to a webhook URL, for the fake's `_fake/events`: a JSON body
 * `{signature: {timestamp, token, signature}, "event-data": {...}}` where signature is
 * hex HMAC-SHA256(webhook signing key, timestamp + token).
 *
 * Written from:
 * - Securing webhooks: https://documentation.mailgun.com/docs/mailgun/user-manual/webhooks/securing-webhooks
 * - Webhook payloads and event structure (delivered, failed with severity, opened, clicked,
 *   complained, unsubscribed; user-variables; delivery-status):
 *   https://documentation.mailgun.com/docs/mailgun/user-manual/events/event-types
 */
import { createHash, createHmac } from 'node:crypto';
import { bareAddress } from '../../fakes/address.js';
import type { FakeEventName, FakeMessage } from '../../fakes/types.js';
import type { WebhookRequest } from '../../fakes/webhook.js';

type Native = { event: string; extra: Record<string, unknown> };

const DELIVERED_STATUS = {
  tls: true,
  'mx-host': 'mx.example.net',
  code: 250,
  description: '',
  'attempt-no': 1,
  message: 'OK',
  'certificate-verified': true,
};
const CLIENT = {
  'client-info': {
    'client-os': 'Linux',
    'device-type': 'desktop',
    'client-name': 'Firefox',
    'client-type': 'browser',
    'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0',
  },
  geolocation: { country: 'US', region: 'CA', city: 'San Francisco' },
  ip: '192.0.2.10',
};

function native(event: FakeEventName): Native {
  switch (event) {
    case 'delivered':
      return { event: 'delivered', extra: { 'delivery-status': DELIVERED_STATUS } };
    case 'bounced':
      return {
        event: 'failed',
        extra: {
          severity: 'permanent',
          reason: 'bounce',
          'delivery-status': {
            code: 550,
            'attempt-no': 1,
            message: '5.1.1 The email account that you tried to reach does not exist.',
            description: '',
            'mx-host': 'mx.example.net',
          },
        },
      };
    case 'deferred':
      return {
        event: 'failed',
        extra: {
          severity: 'temporary',
          reason: 'generic',
          'delivery-status': {
            code: 452,
            'attempt-no': 1,
            message: '4.2.2 The email account that you tried to reach is over quota.',
            description: '',
            'retry-seconds': 600,
            'mx-host': 'mx.example.net',
          },
        },
      };
    case 'opened':
      return { event: 'opened', extra: CLIENT };
    case 'clicked':
      return { event: 'clicked', extra: { ...CLIENT, url: 'https://example.com/clicked' } };
    case 'complained':
      return { event: 'complained', extra: {} };
    case 'unsubscribed':
      return { event: 'unsubscribed', extra: CLIENT };
  }
}

export function mailgunWebhook(message: FakeMessage, event: FakeEventName, signingKey: string, seq: number, now: Date): WebhookRequest {
  const recipient = bareAddress(message.to[0] ?? message.cc[0] ?? message.bcc[0] ?? '');
  const { event: type, extra } = native(event);
  const timestamp = String(Math.floor(now.getTime() / 1000));
  // Mailgun's token is 50 random hex characters; ours is derived so runs repeat exactly.
  const token = createHash('sha256').update(`${message.id}|${event}|${seq}`).digest('hex').slice(0, 50);
  const signature = createHmac('sha256', signingKey)
    .update(timestamp + token)
    .digest('hex');
  const body = {
    signature: { timestamp, token, signature },
    'event-data': {
      event: type,
      id: createHash('sha256').update(`event|${message.id}|${seq}`).digest('base64url').slice(0, 22),
      timestamp: now.getTime() / 1000,
      'log-level': type === 'failed' ? (extra.severity === 'permanent' ? 'error' : 'warn') : 'info',
      recipient,
      'recipient-domain': recipient.split('@')[1] ?? '',
      tags: message.tags,
      'user-variables': message.metadata,
      flags: { 'is-routed': false, 'is-authenticated': true, 'is-system-test': false, 'is-test-mode': false },
      envelope: { transport: 'smtp', sender: bareAddress(message.from ?? ''), targets: recipient },
      message: {
        headers: {
          to: message.to.join(', '),
          'message-id': message.id.replace(/^<|>$/g, ''),
          from: message.from ?? '',
          subject: message.subject ?? '',
        },
        attachments: message.attachments.map((a) => ({ filename: a.filename, 'content-type': a.contentType, size: a.size })),
        size: (message.text?.length ?? 0) + (message.html?.length ?? 0),
      },
      ...extra,
    },
  };
  return { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
