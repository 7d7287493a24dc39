import { timingSafeEqual } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startPostmarkFake } from '../../../../src/providers/kinds/postmark/fake.js';
import { json, PDF, PNG_1PX, postJson, type Receiver, startReceiver } from './support.js';

let fake: Awaited<ReturnType<typeof startPostmarkFake>>;
let receiver: Receiver;
beforeEach(async () => {
  receiver = await startReceiver();
  fake = await startPostmarkFake({
    instance: 'pm',
    webhookBaseUrl: receiver.baseUrl,
    credentials: { serverToken: 'tok', senderDomain: 'example.com' },
  });
});
afterEach(async () => {
  await fake.stop();
  await receiver.close();
});

const AUTH = { 'x-postmark-server-token': 'tok' };
const post = (path: string, body: unknown, headers: Record<string, string> = AUTH) => postJson(`${fake.baseUrl}${path}`, body, headers);

const full = () => ({
  From: 'Shop <shop@example.com>',
  To: 'Alice <alice@example.com>, bob@example.com',
  Cc: 'carol@example.com',
  Bcc: 'dave@example.com',
  Subject: 'Your order',
  TextBody: 'Hello',
  HtmlBody: '<p>Hello <img src="cid:logo"></p>',
  ReplyTo: 'help@example.com',
  Headers: [{ Name: 'X-Order', Value: '42' }],
  Tag: 'orders',
  Metadata: { mailroomId: 'msg-1', plan: 'pro' },
  Attachments: [
    { Name: 'invoice.pdf', Content: PDF.toString('base64'), ContentType: 'application/pdf' },
    { Name: 'logo.png', Content: PNG_1PX.toString('base64'), ContentType: 'image/png', ContentID: 'cid:logo' },
  ],
  MessageStream: 'outbound',
  TrackOpens: true,
  TrackLinks: 'HtmlOnly',
});

describe('Postmark fake: auth and validation', () => {
  it('answers 401 ErrorCode 10 for a missing or wrong server token', async () => {
    const missing = await post('/email', full(), {});
    expect(missing.status).toBe(401);
    expect(await json(missing)).toMatchObject({ ErrorCode: 10, Message: expect.stringContaining('X-Postmark-Server-Token') });
    const wrong = await post('/email', full(), { 'x-postmark-server-token': 'nope' });
    expect(wrong.status).toBe(401);
    expect(await json(wrong)).toEqual({
      ErrorCode: 10,
      Message:
        'The Server Token you provided in the X-Postmark-Server-Token request header was invalid. Please verify that you are using a valid token.',
    });
  });

  it.each([
    [{ ...full(), TextBody: undefined, HtmlBody: undefined }, 300, 'Provide either email TextBody or HtmlBody or both.'],
    [{ ...full(), To: undefined, Cc: undefined, Bcc: undefined }, 300, 'Zero recipients specified'],
    [{ ...full(), From: 'someone@elsewhere.org' }, 400, expect.stringContaining('is not a Sender Signature')],
    [{ ...full(), To: 'nobody' }, 300, expect.stringContaining("Illegal email address 'nobody'")],
  ])('answers 422 with the ErrorCode (case %#)', async (body, ErrorCode, Message) => {
    const res = await post('/email', body);
    expect(res.status).toBe(422);
    expect(await json(res)).toEqual({ ErrorCode, Message, To: body.To ?? '' });
  });

  it('answers 422 ErrorCode 402 for a body that is not JSON', async () => {
    const res = await fetch(`${fake.baseUrl}/email`, { method: 'POST', headers: AUTH, body: '{' });
    expect(res.status).toBe(422);
    expect(await json(res)).toEqual({ ErrorCode: 402, Message: 'Received invalid JSON input.' });
  });
});

describe('Postmark fake: accepted messages', () => {
  it('answers {To, SubmittedAt, MessageID, ErrorCode 0, Message OK} and lists the request parsed', async () => {
    const res = await post('/email', full());
    expect(res.status).toBe(200);
    const answer = (await json(res)) as Record<string, unknown>;
    expect(answer).toMatchObject({ To: full().To, MessageID: '00000000-0000-4000-8000-000000000001', ErrorCode: 0, Message: 'OK' });
    expect(Number.isNaN(Date.parse(String(answer.SubmittedAt)))).toBe(false);

    const [message] = (await json(await fetch(`${fake.baseUrl}/_fake/messages`))) as Array<Record<string, unknown>>;
    expect(message).toMatchObject({
      id: answer.MessageID,
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
      tags: ['orders'],
      metadata: { mailroomId: 'msg-1', plan: 'pro' },
      extra: { messageStream: 'outbound', trackOpens: true, trackLinks: 'HtmlOnly' },
    });
  });

  it('answers a batch with one result per message, each with its own ErrorCode', async () => {
    const res = await post('/email/batch', [full(), { ...full(), TextBody: undefined, HtmlBody: undefined }, full()]);
    expect(res.status).toBe(200);
    const results = (await json(res)) as Array<{ ErrorCode: number; MessageID?: string }>;
    expect(results.map((r) => r.ErrorCode)).toEqual([0, 300, 0]);
    expect(results[2]!.MessageID).toBe('00000000-0000-4000-8000-000000000002');
  });

  it('sends with a template (TemplateAlias + TemplateModel), alone and in batchWithTemplates', async () => {
    const templated = {
      From: 'shop@example.com',
      To: 'alice@example.com',
      TemplateAlias: 'welcome',
      TemplateModel: { name: 'Alice' },
      Metadata: { mailroomId: 'm2' },
    };
    expect((await post('/email/withTemplate', templated)).status).toBe(200);
    const noTemplate = await post('/email/withTemplate', { From: 'shop@example.com', To: 'alice@example.com' });
    expect(((await json(noTemplate)) as { ErrorCode: number }).ErrorCode).toBe(1101);
    const batch = await post('/email/batchWithTemplates', { Messages: [templated, templated] });
    expect(((await json(batch)) as Array<{ ErrorCode: number }>).map((r) => r.ErrorCode)).toEqual([0, 0]);
    const log = (await json(await fetch(`${fake.baseUrl}/_fake/messages`))) as Array<{ extra: Record<string, unknown> }>;
    expect(log[0]!.extra).toMatchObject({ templateAlias: 'welcome', templateModel: { name: 'Alice' } });
  });
});

describe('Postmark fake: _fake/events', () => {
  it.each([
    ['delivered', { RecordType: 'Delivery' }],
    ['bounced', { RecordType: 'Bounce', Type: 'HardBounce', TypeCode: 1, Inactive: true }],
    ['deferred', { RecordType: 'Bounce', Type: 'SoftBounce', TypeCode: 4096 }],
    ['complained', { RecordType: 'SpamComplaint', Type: 'SpamComplaint', TypeCode: 512 }],
    ['opened', { RecordType: 'Open', FirstOpen: true }],
    ['clicked', { RecordType: 'Click', OriginalLink: 'https://example.com/clicked' }],
    ['unsubscribed', { RecordType: 'SubscriptionChange', SuppressSending: true }],
  ])('posts %s with basic auth, the RecordType, Tag and Metadata', async (event, expected) => {
    const id = ((await json(await post('/email', full()))) as { MessageID: string }).MessageID;
    expect((await postJson(`${fake.baseUrl}/_fake/events`, { messageId: id, event })).status).toBe(200);

    const hook = receiver.received[0]!;
    expect(hook.path).toBe('/webhooks/pm/tracking');
    const { username, password } = fake.webhookCredentials;
    const wanted = Buffer.from(`Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`);
    const got = Buffer.from(String(hook.headers.authorization));
    expect(got.length === wanted.length && timingSafeEqual(got, wanted)).toBe(true);
    expect(JSON.parse(hook.body)).toMatchObject({
      ...expected,
      MessageID: id,
      Tag: 'orders',
      Metadata: { mailroomId: 'msg-1', plan: 'pro' },
      MessageStream: 'outbound',
    });
  });

  it('marks a hard-bounced recipient inactive: sending only to it is ErrorCode 406', async () => {
    const id = (
      (await json(await post('/email', { ...full(), To: 'alice@example.com', Cc: undefined, Bcc: undefined }))) as { MessageID: string }
    ).MessageID;
    await postJson(`${fake.baseUrl}/_fake/events`, { messageId: id, event: 'bounced' });
    const res = await post('/email', { ...full(), To: 'alice@example.com', Cc: undefined, Bcc: undefined });
    expect(res.status).toBe(422);
    expect(await json(res)).toMatchObject({
      ErrorCode: 406,
      Message: expect.stringContaining('Found inactive addresses: alice@example.com'),
    });
  });
});
