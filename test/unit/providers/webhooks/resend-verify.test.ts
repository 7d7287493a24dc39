/** Resend (Svix): v1 HMAC-SHA256 of "id.timestamp.body" with the whsec_ secret; 5-minute tolerance; svix-id once. */
import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { resendWebhook } from '../../../../src/providers/kinds/resend/fake-webhook.js';
import { normalizeTracking, verify } from '../../../../src/providers/kinds/resend/webhook.js';
import { WebhookRefusedError } from '../../../../src/providers/webhooks/errors.js';
import { MemoryReplayGuard } from '../../../../src/providers/webhooks/replay-guard.js';
import { fromFake, MESSAGE, NOW, NOW_SECONDS, request } from './support.js';

const SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const OTHER = `whsec_${randomBytes(24).toString('base64')}`;
const BODY = JSON.stringify({
  type: 'email.delivered',
  created_at: '2026-01-01T00:00:00.000Z',
  data: { email_id: 'e1', to: ['a@b.example'] },
});

function sig(secret: string, id: string, ts: number, body = BODY): string {
  return `v1,${createHmac('sha256', Buffer.from(secret.slice(6), 'base64'))
    .update(`${id}.${ts}.${body}`)
    .digest('base64')}`;
}
function signed(ts: number, id = 'msg_1', signature = sig(SECRET, id, ts)) {
  return request(BODY, { 'svix-id': id, 'svix-timestamp': String(ts), 'svix-signature': signature });
}

async function refusal(p: Promise<unknown>): Promise<string> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WebhookRefusedError);
  return (error as WebhookRefusedError).reason;
}

describe('resend verify', () => {
  it('accepts a valid v1 signature', async () => {
    expect(await verify(signed(NOW_SECONDS), { signingSecret: SECRET }, NOW)).toEqual(JSON.parse(BODY));
  });

  it('accepts when any signature of the list matches (secret rotation)', async () => {
    const list = `v1,${Buffer.from('nope').toString('base64')} v1a,ignored ${sig(SECRET, 'msg_2', NOW_SECONDS)}`;
    expect(await verify(signed(NOW_SECONDS, 'msg_2', list), { signingSecret: SECRET }, NOW)).toEqual(JSON.parse(BODY));
  });

  it('refuses a signature by another secret, and one over another svix-id', async () => {
    expect(await refusal(verify(signed(NOW_SECONDS, 'msg_3', sig(OTHER, 'msg_3', NOW_SECONDS)), { signingSecret: SECRET }, NOW))).toBe(
      'bad_signature',
    );
    expect(await refusal(verify(signed(NOW_SECONDS, 'msg_4', sig(SECRET, 'msg_5', NOW_SECONDS)), { signingSecret: SECRET }, NOW))).toBe(
      'bad_signature',
    );
  });

  it('refuses a timestamp more than five minutes away', async () => {
    expect(await refusal(verify(signed(NOW_SECONDS - 301), { signingSecret: SECRET }, NOW))).toBe('stale');
    expect(await refusal(verify(signed(NOW_SECONDS + 301), { signingSecret: SECRET }, NOW))).toBe('stale');
  });

  it('refuses an svix-id received before (replay)', async () => {
    const guard = new MemoryReplayGuard(() => NOW.getTime());
    await verify(signed(NOW_SECONDS, 'msg_6'), { signingSecret: SECRET }, NOW, guard);
    expect(await refusal(verify(signed(NOW_SECONDS, 'msg_6'), { signingSecret: SECRET }, NOW, guard))).toBe('replayed');
  });

  it('refuses missing headers and a secret that is not whsec_<base64>', async () => {
    expect(await refusal(verify(request(BODY), { signingSecret: SECRET }, NOW))).toBe('missing_signature');
    expect(await refusal(verify(signed(NOW_SECONDS), { signingSecret: 'whsec_' }, NOW))).toBe('bad_credentials');
  });

  it('verifies what the local fake sends, and normalizes it joined to our id', async () => {
    // The fake echoes the adapter's tags: our id, and metadata as m_<key> (src/providers/kinds/resend/fields.ts).
    const fake = resendWebhook({ ...MESSAGE, id: 'e-uuid', metadata: { mailroom_id: 'msg-42', m_plan: 'pro' } }, 'clicked', SECRET, 1, NOW);
    const payload = await verify(fromFake(fake), { signingSecret: SECRET }, NOW, new MemoryReplayGuard());
    const [event] = normalizeTracking(payload, { instance: 'resend', receivedAt: NOW.toISOString() });
    expect(event).toMatchObject({
      eventType: 'clicked',
      clickUrl: 'https://example.com/clicked',
      messageId: 'msg-42',
      providerMessageId: 'e-uuid',
      metadata: { plan: 'pro' },
    });
  });
});
