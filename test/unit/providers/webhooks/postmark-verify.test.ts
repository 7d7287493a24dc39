/** Postmark: basic-auth credentials from the webhook URL, compared in constant time; no timestamp exists. */
import { describe, expect, it } from 'vitest';
import { postmarkWebhook } from '../../../../src/providers/kinds/postmark/fake-webhook.js';
import { normalizeTracking, verify } from '../../../../src/providers/kinds/postmark/webhook.js';
import { WebhookRefusedError } from '../../../../src/providers/webhooks/errors.js';
import { MemoryReplayGuard } from '../../../../src/providers/webhooks/replay-guard.js';
import { fromFake, MESSAGE, NOW, request } from './support.js';

const credentials = { username: 'hook-user', password: 's3cret:with:colons' };
const BODY = JSON.stringify({ RecordType: 'Delivery', MessageID: 'pm-1', Recipient: 'a@b.example', DeliveredAt: '2026-01-01T00:00:00Z' });
const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

async function refusal(p: Promise<unknown>): Promise<string> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WebhookRefusedError);
  return (error as WebhookRefusedError).reason;
}

describe('postmark verify', () => {
  it('accepts the basic-auth credentials of the webhook URL', async () => {
    expect(await verify(request(BODY, { Authorization: basic(credentials.username, credentials.password) }), credentials, NOW)).toEqual(
      JSON.parse(BODY),
    );
  });

  it('refuses other credentials, a missing header and another scheme', async () => {
    expect(await refusal(verify(request(BODY, { authorization: basic('hook-user', 'wrong') }), credentials, NOW))).toBe('bad_signature');
    expect(await refusal(verify(request(BODY, { authorization: basic('hook-user', 's3cret:with:colon') }), credentials, NOW))).toBe(
      'bad_signature',
    );
    expect(await refusal(verify(request(BODY), credentials, NOW))).toBe('missing_signature');
    expect(await refusal(verify(request(BODY, { authorization: 'Bearer abc' }), credentials, NOW))).toBe('bad_signature');
  });

  it('cannot tell a stale or replayed request (Postmark sends no timestamp or id): the replay normalizes to the same event ids', async () => {
    const req = request(BODY, { authorization: basic(credentials.username, credentials.password) });
    const guard = new MemoryReplayGuard();
    const first = normalizeTracking(await verify(req, credentials, NOW, guard), { instance: 'postmark', receivedAt: NOW.toISOString() });
    const replay = normalizeTracking(await verify(req, credentials, new Date('2030-01-01T00:00:00Z'), guard), {
      instance: 'postmark',
      receivedAt: '2030-01-01T00:00:00.000Z',
    });
    expect(replay.map((e) => e.eventId)).toEqual(first.map((e) => e.eventId));
    expect(guard.size).toBe(0);
  });

  it('refuses everything when no credentials are configured', async () => {
    expect(await refusal(verify(request(BODY, { authorization: basic('', '') }), { username: '', password: '' }, NOW))).toBe(
      'bad_credentials',
    );
  });

  it('verifies what the local fake sends, and normalizes it joined to our id', async () => {
    const fake = postmarkWebhook(MESSAGE, 'complained', credentials, 7, NOW);
    const payload = await verify(fromFake(fake), credentials, NOW);
    const [event] = normalizeTracking(payload, { instance: 'postmark', receivedAt: NOW.toISOString() });
    expect(event).toMatchObject({
      eventType: 'complained',
      rejectReason: 'spam',
      messageId: 'msg-42',
      providerMessageId: 'provider-id-1',
      recipient: 'alice@example.com',
      metadata: { plan: 'pro' },
      tags: ['welcome'],
    });
  });
});
