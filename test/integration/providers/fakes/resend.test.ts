import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startResendFake } from '../../../../src/providers/kinds/resend/fake.js';
import { json, PDF, PNG_1PX, postJson, type Receiver, startReceiver } from './support.js';

let fake: Awaited<ReturnType<typeof startResendFake>>;
let receiver: Receiver;
beforeEach(async () => {
  receiver = await startReceiver();
  fake = await startResendFake({ instance: 'rs', webhookBaseUrl: receiver.baseUrl, credentials: { apiKey: 're_k' } });
});
afterEach(async () => {
  await fake.stop();
  await receiver.close();
});

const AUTH = { authorization: 'Bearer re_k' };
const post = (path: string, body: unknown, headers: Record<string, string> = AUTH) => postJson(`${fake.baseUrl}${path}`, body, headers);
const messages = async () => (await json(await fetch(`${fake.baseUrl}/_fake/messages`))) as Array<Record<string, unknown>>;

const full = () => ({
  from: 'Shop <shop@example.com>',
  to: ['Alice <alice@example.com>', 'bob@example.com'],
  cc: 'carol@example.com',
  bcc: ['dave@example.com'],
  reply_to: 'help@example.com',
  subject: 'Your order',
  text: 'Hello',
  html: '<p>Hello <img src="cid:logo"></p>',
  headers: { 'X-Order': '42' },
  attachments: [
    { filename: 'invoice.pdf', content: PDF.toString('base64'), content_type: 'application/pdf' },
    { filename: 'logo.png', content: PNG_1PX.toString('base64'), content_type: 'image/png', content_id: 'logo' },
  ],
  tags: [
    { name: 'mailroom_id', value: 'msg-1' },
    { name: 'plan', value: 'pro' },
  ],
  scheduled_at: '2026-12-05T09:00:00Z',
});

describe('Resend fake: auth and validation', () => {
  it('answers 401 missing_api_key without a key and 403 invalid_api_key with a wrong one', async () => {
    const missing = await post('/emails', full(), {});
    expect(missing.status).toBe(401);
    expect(await json(missing)).toEqual({
      statusCode: 401,
      name: 'missing_api_key',
      message: 'Missing API key in the authorization header.',
    });
    const wrong = await post('/emails', full(), { authorization: 'Bearer re_nope' });
    expect(wrong.status).toBe(403);
    expect(await json(wrong)).toEqual({ statusCode: 403, name: 'invalid_api_key', message: 'API key is invalid.' });
  });

  it.each([
    [{ ...full(), from: undefined }, 'missing_required_field', 'Missing `from` field.'],
    [{ ...full(), to: [] }, 'missing_required_field', 'Missing `to` field.'],
    [{ ...full(), from: 'shop' }, 'validation_error', expect.stringContaining('Invalid `from` field.')],
    [
      { ...full(), tags: [{ name: 'bad tag', value: 'x' }] },
      'validation_error',
      'Tags should only contain ASCII letters, numbers, underscores, or dashes.',
    ],
    [{ ...full(), attachments: [{ filename: 'a.txt' }] }, 'invalid_attachment', 'Attachment must have either a `content` or `path`.'],
  ])('answers 422 {statusCode, name, message} (case %#)', async (body, name, message) => {
    const res = await post('/emails', body);
    expect(res.status).toBe(422);
    expect(await json(res)).toEqual({ statusCode: 422, name, message });
  });
});

describe('Resend fake: accepted messages', () => {
  it('answers {id} and lists the request parsed, tags as metadata', async () => {
    const res = await post('/emails', full());
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ id: '00000000-0000-4000-a000-000000000001' });
    expect((await messages())[0]).toMatchObject({
      id: '00000000-0000-4000-a000-000000000001',
      from: 'Shop <shop@example.com>',
      to: ['Alice <alice@example.com>', 'bob@example.com'],
      cc: ['carol@example.com'],
      bcc: ['dave@example.com'],
      replyTo: ['help@example.com'],
      subject: 'Your order',
      text: 'Hello',
      html: '<p>Hello <img src="cid:logo"></p>',
      attachments: [
        { filename: 'invoice.pdf', contentType: 'application/pdf', size: PDF.length, disposition: 'attachment' },
        { filename: 'logo.png', contentType: 'image/png', size: PNG_1PX.length, disposition: 'inline', contentId: 'logo' },
      ],
      headers: { 'X-Order': '42' },
      metadata: { mailroom_id: 'msg-1', plan: 'pro' },
      extra: { scheduledAt: '2026-12-05T09:00:00Z' },
    });
  });

  it('sends a batch as {data: [{id}...]}; strict mode refuses the whole batch for one bad email', async () => {
    const one = { from: 'shop@example.com', to: 'a@example.com', subject: 's', text: 't' };
    const ok = await post('/emails/batch', [one, one]);
    expect(await json(ok)).toEqual({
      data: [{ id: '00000000-0000-4000-a000-000000000001' }, { id: '00000000-0000-4000-a000-000000000002' }],
    });
    const strict = await post('/emails/batch', [one, { ...one, to: undefined }]);
    expect(strict.status).toBe(422);
    expect((await messages()).length).toBe(2);
    const permissive = await post('/emails/batch', [one, { ...one, to: undefined }], { ...AUTH, 'x-batch-validation': 'permissive' });
    expect(await json(permissive)).toEqual({
      data: [{ id: '00000000-0000-4000-a000-000000000003' }],
      errors: [{ index: 1, message: 'Missing `to` field.' }],
    });
  });

  it('refuses attachments in a batch, as documented', async () => {
    const res = await post('/emails/batch', [{ ...full(), scheduled_at: undefined }]);
    expect(res.status).toBe(422);
    expect(await json(res)).toMatchObject({
      name: 'validation_error',
      message: 'The `attachments` field is not supported in batch sending.',
    });
  });
});

describe('Resend fake: Idempotency-Key', () => {
  it('answers the same key and body with the same response and sends once', async () => {
    const headers = { ...AUTH, 'idempotency-key': 'mailroom-msg-1' };
    const first = await json(await post('/emails', full(), headers));
    const again = await json(await post('/emails', full(), headers));
    expect(again).toEqual(first);
    expect((await messages()).length).toBe(1);
  });

  it('answers 409 invalid_idempotent_request for the same key with another body', async () => {
    const headers = { ...AUTH, 'idempotency-key': 'mailroom-msg-1' };
    await post('/emails', full(), headers);
    const res = await post('/emails', { ...full(), subject: 'Other' }, headers);
    expect(res.status).toBe(409);
    expect(await json(res)).toEqual({
      statusCode: 409,
      name: 'invalid_idempotent_request',
      message: 'Same idempotency key used with a different request payload.',
    });
    expect((await messages()).length).toBe(1);
  });

  it('does not remember a failed request, and refuses a key over 256 characters', async () => {
    const headers = { ...AUTH, 'idempotency-key': 'k' };
    expect((await post('/emails', { ...full(), from: undefined }, headers)).status).toBe(422);
    expect((await post('/emails', full(), headers)).status).toBe(200);
    const long = await post('/emails', full(), { ...AUTH, 'idempotency-key': 'x'.repeat(257) });
    expect(long.status).toBe(400);
    expect(await json(long)).toEqual({ statusCode: 400, name: 'invalid_idempotency_key', message: 'The key must be between 1-256 chars.' });
  });
});

describe('Resend fake: _fake/events', () => {
  it.each([
    ['delivered', 'email.delivered'],
    ['deferred', 'email.delivery_delayed'],
    ['bounced', 'email.bounced'],
    ['complained', 'email.complained'],
    ['opened', 'email.opened'],
    ['clicked', 'email.clicked'],
  ])('posts %s as a Svix-signed %s carrying the tags', async (event, type) => {
    const { id } = (await json(await post('/emails', full()))) as { id: string };
    expect((await postJson(`${fake.baseUrl}/_fake/events`, { messageId: id, event })).status).toBe(200);

    const hook = receiver.received[0]!;
    expect(hook.path).toBe('/webhooks/rs/tracking');
    const svixId = String(hook.headers['svix-id']);
    const ts = String(hook.headers['svix-timestamp']);
    // Svix's documented check: base64 HMAC-SHA256 keyed with the base64-decoded secret after whsec_.
    const key = Buffer.from(fake.webhookCredentials.signingSecret.slice('whsec_'.length), 'base64');
    const expected = Buffer.from(createHmac('sha256', key).update(`${svixId}.${ts}.${hook.body}`).digest('base64'));
    const sigs = String(hook.headers['svix-signature'])
      .split(' ')
      .map((s) => s.split(',', 2));
    expect(
      sigs.some(([v, sig]) => v === 'v1' && Buffer.from(sig!).length === expected.length && timingSafeEqual(Buffer.from(sig!), expected)),
    ).toBe(true);
    expect(Math.abs(Date.now() / 1000 - Number(ts))).toBeLessThan(60);

    expect(JSON.parse(hook.body)).toMatchObject({
      type,
      data: {
        email_id: id,
        to: full().to,
        tags: [
          { name: 'mailroom_id', value: 'msg-1' },
          { name: 'plan', value: 'pro' },
        ],
      },
    });
  });

  it('refuses unsubscribed (Resend has no such email event) with 422 and posts nothing', async () => {
    const { id } = (await json(await post('/emails', full()))) as { id: string };
    const res = await postJson(`${fake.baseUrl}/_fake/events`, { messageId: id, event: 'unsubscribed' });
    expect(res.status).toBe(422);
    expect(receiver.received).toHaveLength(0);
  });
});
