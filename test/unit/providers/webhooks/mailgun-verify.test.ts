/** Mailgun webhook verification: HMAC-SHA256(signing key, timestamp + token), fresh, token used once. */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { mailgunWebhook } from '../../../../src/providers/kinds/mailgun/fake-webhook.js';
import { normalizeTracking, verify } from '../../../../src/providers/kinds/mailgun/webhook.js';
import { WebhookRefusedError } from '../../../../src/providers/webhooks/errors.js';
import { MemoryReplayGuard } from '../../../../src/providers/webhooks/replay-guard.js';
import { fromFake, MESSAGE, NOW, NOW_SECONDS, request } from './support.js';

const KEY = 'key-3ax6xnjp29jd6fds4gc373sgvjxteol0';

function signed(timestamp: number, token = 'a'.repeat(50), key = KEY): string {
  const signature = createHmac('sha256', key).update(`${timestamp}${token}`).digest('hex');
  return JSON.stringify({
    signature: { timestamp: String(timestamp), token, signature },
    'event-data': { event: 'delivered', id: 'x', recipient: 'a@b.example' },
  });
}

async function refusal(p: Promise<unknown>): Promise<string> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WebhookRefusedError);
  return (error as WebhookRefusedError).reason;
}

describe('mailgun verify', () => {
  it('accepts a request signed with the signing key and returns the payload', async () => {
    const payload = await verify(request(signed(NOW_SECONDS)), { signingKey: KEY }, NOW);
    expect((payload as { 'event-data': { event: string } })['event-data'].event).toBe('delivered');
  });

  it('refuses a signature made with another key', async () => {
    expect(await refusal(verify(request(signed(NOW_SECONDS, 'b'.repeat(50), 'other-key')), { signingKey: KEY }, NOW))).toBe(
      'bad_signature',
    );
  });

  it('refuses a body whose timestamp was changed after signing', async () => {
    const body = JSON.parse(signed(NOW_SECONDS)) as { signature: { timestamp: string } };
    body.signature.timestamp = String(NOW_SECONDS + 1);
    expect(await refusal(verify(request(JSON.stringify(body)), { signingKey: KEY }, NOW))).toBe('bad_signature');
  });

  it('refuses a stale timestamp, and one from the future', async () => {
    expect(await refusal(verify(request(signed(NOW_SECONDS - 301)), { signingKey: KEY }, NOW))).toBe('stale');
    expect(await refusal(verify(request(signed(NOW_SECONDS + 301)), { signingKey: KEY }, NOW))).toBe('stale');
  });

  it('refuses a token used before (replay)', async () => {
    const guard = new MemoryReplayGuard(() => NOW.getTime());
    await verify(request(signed(NOW_SECONDS)), { signingKey: KEY }, NOW, guard);
    expect(await refusal(verify(request(signed(NOW_SECONDS)), { signingKey: KEY }, NOW, guard))).toBe('replayed');
  });

  it('refuses a request without a signature, and one that is not JSON', async () => {
    expect(await refusal(verify(request('{"event-data":{}}'), { signingKey: KEY }, NOW))).toBe('missing_signature');
    expect(await refusal(verify(request('not json'), { signingKey: KEY }, NOW))).toBe('malformed');
  });

  it('refuses everything when no signing key is configured', async () => {
    expect(await refusal(verify(request(signed(NOW_SECONDS, 'c'.repeat(50), '')), { signingKey: '' }, NOW))).toBe('bad_credentials');
  });

  it('verifies what the local fake sends, and normalizes it joined to our id', async () => {
    const guard = new MemoryReplayGuard(() => NOW.getTime());
    const fake = mailgunWebhook(MESSAGE, 'bounced', KEY, 1, NOW);
    const payload = await verify(fromFake(fake), { signingKey: KEY }, NOW, guard);
    const [event] = normalizeTracking(payload, { instance: 'mailgun', receivedAt: NOW.toISOString() });
    expect(event).toMatchObject({
      eventType: 'bounced',
      bounceType: 'permanent',
      messageId: 'msg-42',
      recipient: 'alice@example.com',
      metadata: { plan: 'pro' },
      tags: ['welcome'],
    });
    expect(await refusal(verify(fromFake(fake), { signingKey: KEY }, NOW, guard))).toBe('replayed');
  });
});
