/** SendGrid Signed Event Webhook: ECDSA P-256 / SHA-256 over timestamp + body, fresh, not replayed. */
import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sendgridWebhook } from '../../../../src/providers/kinds/sendgrid/fake-webhook.js';
import { normalizeTracking, SIGNATURE_HEADER, TIMESTAMP_HEADER, verify } from '../../../../src/providers/kinds/sendgrid/webhook.js';
import { WebhookRefusedError } from '../../../../src/providers/webhooks/errors.js';
import { MemoryReplayGuard } from '../../../../src/providers/webhooks/replay-guard.js';
import { fromFake, MESSAGE, NOW, NOW_SECONDS, request } from './support.js';

const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const credentials = { publicKey: pair.publicKey.export({ type: 'spki', format: 'der' }).toString('base64') };
const BODY = JSON.stringify([
  { email: 'a@b.example', event: 'delivered', sg_event_id: 'e1', sg_message_id: 'm1.filter', timestamp: NOW_SECONDS },
]);

function signed(timestamp: number, body = BODY, key = pair.privateKey) {
  const signature = sign('sha256', Buffer.from(`${timestamp}${body}`), key).toString('base64');
  return request(body, { [SIGNATURE_HEADER]: signature, [TIMESTAMP_HEADER]: String(timestamp) });
}

async function refusal(p: Promise<unknown>): Promise<string> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WebhookRefusedError);
  return (error as WebhookRefusedError).reason;
}

describe('sendgrid verify', () => {
  it('accepts a request signed with the key pair and returns the events', async () => {
    expect(await verify(signed(NOW_SECONDS), credentials, NOW)).toEqual(JSON.parse(BODY));
  });

  it('accepts the verification key as PEM too', async () => {
    const pem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(await verify(signed(NOW_SECONDS), { publicKey: pem }, NOW)).toEqual(JSON.parse(BODY));
  });

  it('refuses a signature by another key, and a body changed after signing', async () => {
    expect(await refusal(verify(signed(NOW_SECONDS, BODY, other.privateKey), credentials, NOW))).toBe('bad_signature');
    const req = signed(NOW_SECONDS);
    expect(await refusal(verify({ ...req, rawBody: Buffer.from(BODY.replace('delivered', 'bounce')) }, credentials, NOW))).toBe(
      'bad_signature',
    );
    expect(
      await refusal(verify({ ...req, headers: { ...req.headers, [SIGNATURE_HEADER]: 'bm90IGEgc2lnbmF0dXJl' } }, credentials, NOW)),
    ).toBe('bad_signature');
  });

  it('refuses a stale timestamp', async () => {
    expect(await refusal(verify(signed(NOW_SECONDS - 600), credentials, NOW))).toBe('stale');
  });

  it('refuses the same signed request twice (replay)', async () => {
    const guard = new MemoryReplayGuard(() => NOW.getTime());
    const req = signed(NOW_SECONDS);
    await verify(req, credentials, NOW, guard);
    expect(await refusal(verify(req, credentials, NOW, guard))).toBe('replayed');
  });

  it('refuses a request without the signature headers, and a key that is not one', async () => {
    expect(await refusal(verify(request(BODY), credentials, NOW))).toBe('missing_signature');
    expect(await refusal(verify(signed(NOW_SECONDS), { publicKey: 'bm90IGEga2V5' }, NOW))).toBe('bad_credentials');
  });

  it('verifies what the local fake sends, and normalizes it joined to our id', async () => {
    const fake = sendgridWebhook({ ...MESSAGE, id: 'sgid0001' }, 'opened', pair.privateKey, 1, NOW);
    const payload = await verify(fromFake(fake), credentials, NOW, new MemoryReplayGuard());
    const [event] = normalizeTracking(payload, { instance: 'sendgrid', receivedAt: NOW.toISOString() });
    expect(event).toMatchObject({
      eventType: 'opened',
      providerMessageId: 'sgid0001',
      messageId: 'msg-42',
      recipient: 'alice@example.com',
      metadata: { plan: 'pro' },
      tags: ['welcome'],
    });
  });
});
