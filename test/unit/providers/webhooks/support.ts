/** Requests and a fake message for the verifier tests. */
import type { FakeMessage } from '../../../../src/providers/fakes/types.js';
import type { WebhookRequest as FakeRequest } from '../../../../src/providers/fakes/webhook.js';
import type { WebhookRequest } from '../../../../src/providers/webhooks/types.js';

export const NOW = new Date('2026-01-01T00:00:00.000Z');
export const NOW_SECONDS = Math.floor(NOW.getTime() / 1000);

export function request(body: string | Buffer, headers: Record<string, string> = {}): WebhookRequest {
  return {
    method: 'POST',
    url: 'https://hooks.example.com/webhooks/x/tracking',
    headers: { 'content-type': 'application/json', ...headers },
    rawBody: Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'),
  };
}

/** What a local fake POSTed, as the route would hand it to the verifier. */
export function fromFake(req: FakeRequest): WebhookRequest {
  return request(req.body, { ...req.headers });
}

export const MESSAGE: FakeMessage = {
  id: 'provider-id-1',
  from: 'Sender <sender@example.com>',
  to: ['Alice <alice@example.com>'],
  cc: [],
  bcc: [],
  replyTo: [],
  subject: 'hello',
  text: 'hi',
  attachments: [],
  headers: {},
  tags: ['welcome'],
  metadata: { mailroom_id: 'msg-42', plan: 'pro' },
  extra: {},
};
