import { createPublicKey, verify } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSendgridFake } from '../../../../src/providers/kinds/sendgrid/fake.js';
import { json, PDF, PNG_1PX, postJson, type Receiver, startReceiver } from './support.js';

let fake: Awaited<ReturnType<typeof startSendgridFake>>;
let receiver: Receiver;
beforeEach(async () => {
  receiver = await startReceiver();
  fake = await startSendgridFake({ instance: 'sg', webhookBaseUrl: receiver.baseUrl, credentials: { apiKey: 'SG.k' } });
});
afterEach(async () => {
  await fake.stop();
  await receiver.close();
});

const AUTH = { authorization: 'Bearer SG.k' };
const send = (body: unknown, headers = AUTH) => postJson(`${fake.baseUrl}/v3/mail/send`, body, headers);

const full = () => ({
  personalizations: [
    {
      to: [{ email: 'alice@example.com', name: 'Alice' }],
      cc: [{ email: 'carol@example.com' }],
      bcc: [{ email: 'dave@example.com' }],
      custom_args: { mailroomId: 'msg-1' },
    },
  ],
  from: { email: 'shop@example.com', name: 'Shop' },
  reply_to: { email: 'help@example.com' },
  subject: 'Your order',
  content: [
    { type: 'text/plain', value: 'Hello' },
    { type: 'text/html', value: '<p>Hello <img src="cid:logo"></p>' },
  ],
  attachments: [
    { content: PDF.toString('base64'), filename: 'invoice.pdf', type: 'application/pdf', disposition: 'attachment' },
    { content: PNG_1PX.toString('base64'), filename: 'logo.png', type: 'image/png', disposition: 'inline', content_id: 'logo' },
  ],
  headers: { 'X-Order': '42' },
  categories: ['orders'],
  custom_args: { plan: 'pro' },
  send_at: 1_800_000_000,
});

describe('SendGrid fake: auth and validation', () => {
  it('refuses a wrong key with 401 and the SendGrid errors body', async () => {
    const res = await send(full(), { authorization: 'Bearer nope' });
    expect(res.status).toBe(401);
    expect(await json(res)).toEqual({
      errors: [{ message: 'The provided authorization grant is invalid, expired, or revoked', field: null, help: null }],
    });
  });

  it('lists every validation problem with its field path and help link', async () => {
    const res = await send({
      personalizations: [{ to: [{ email: 'not-an-address' }] }],
      from: { email: 'shop@example.com' },
      attachments: [{ content: 'QQ==', filename: 'a.png', disposition: 'inline' }],
    });
    expect(res.status).toBe(400);
    const body = (await json(res)) as { errors: Array<{ field: string; message: string; help: string }> };
    expect(body.errors.map((e) => e.field)).toEqual(['personalizations.0.to.0.email', 'subject', 'content', 'attachments.0.content_id']);
    expect(body.errors[0]).toEqual({
      field: 'personalizations.0.to.0.email',
      message: 'Does not contain a valid address.',
      help: 'http://sendgrid.com/docs/API_Reference/Web_API_v3/Mail/errors.html#message.personalizations.to',
    });
  });

  it('requires personalizations and a from object', async () => {
    const res = await send({ subject: 's', content: [{ type: 'text/plain', value: 'x' }] });
    expect(res.status).toBe(400);
    const body = (await json(res)) as { errors: Array<{ field: string; message: string }> };
    expect(body.errors.map((e) => e.field)).toEqual(['personalizations', 'from']);
    expect(body.errors[1]!.message).toBe(
      'The from object must be provided for every email send. It is an object that requires the email parameter, but may also contain a name parameter.',
    );
  });
});

describe('SendGrid fake: accepted messages', () => {
  it('answers 202 with an empty body and X-Message-Id, and lists the request parsed', async () => {
    const res = await send(full());
    expect(res.status).toBe(202);
    expect(await res.text()).toBe('');
    const id = res.headers.get('x-message-id');
    expect(id).toBe('fakeSG0000000000000001');

    const [message] = (await json(await fetch(`${fake.baseUrl}/_fake/messages`))) as Array<Record<string, unknown>>;
    expect(message).toMatchObject({
      id,
      from: 'Shop <shop@example.com>',
      to: ['Alice <alice@example.com>'],
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
      tags: ['orders'],
      metadata: { plan: 'pro', mailroomId: 'msg-1' },
      extra: { sendAt: 1_800_000_000 },
    });
  });
});

describe('SendGrid fake: _fake/events', () => {
  it.each([
    ['delivered', 'delivered'],
    ['bounced', 'bounce'],
    ['deferred', 'deferred'],
    ['opened', 'open'],
    ['clicked', 'click'],
    ['complained', 'spamreport'],
    ['unsubscribed', 'unsubscribe'],
  ])('posts %s as a "%s" event signed with ECDSA, custom_args flattened in', async (event, native) => {
    const id = (await send(full())).headers.get('x-message-id')!;
    expect((await postJson(`${fake.baseUrl}/_fake/events`, { messageId: id, event })).status).toBe(200);

    const hook = receiver.received[0]!;
    expect(hook.path).toBe('/webhooks/sg/tracking');
    const signature = hook.headers['x-twilio-email-event-webhook-signature'] as string;
    const timestamp = hook.headers['x-twilio-email-event-webhook-timestamp'] as string;
    // SendGrid's documented check: ECDSA (P-256, SHA-256) over timestamp + raw body with the
    // verification key, which is base64 DER SubjectPublicKeyInfo.
    const key = createPublicKey({ key: Buffer.from(fake.webhookCredentials.publicKey, 'base64'), format: 'der', type: 'spki' });
    expect(verify('sha256', Buffer.from(timestamp + hook.body), key, Buffer.from(signature, 'base64'))).toBe(true);
    expect(verify('sha256', Buffer.from(`${timestamp}${hook.body} `), key, Buffer.from(signature, 'base64'))).toBe(false);

    const events = JSON.parse(hook.body) as Array<Record<string, unknown>>;
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ event: native, email: 'alice@example.com', mailroomId: 'msg-1', plan: 'pro', category: ['orders'] });
    expect(String(events[0]!.sg_message_id).startsWith(`${id}.`)).toBe(true);
    if (native === 'bounce') expect(events[0]!.type).toBe('bounce');
  });
});
