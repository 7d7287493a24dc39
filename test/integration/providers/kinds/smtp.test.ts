/**
 * The SMTP adapter (nodemailer) against the local SMTP fake: the parsed message shows every
 * field, bcc only in the envelope, a Message-ID derived from our id; SMTP replies and dropped
 * connections mapped.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UnsupportedFeatureError } from '../../../../src/providers/errors.js';
import { startSmtpFake } from '../../../../src/providers/kinds/smtp/fake.js';
import { smtpMessageId } from '../../../../src/providers/kinds/smtp/fields.js';
import { SmtpEmailProvider } from '../../../../src/providers/kinds/smtp/send.js';
import { clearFaults, ctx, email, FULL, failure, fakeMessages, fault } from './support.js';

let fake: Awaited<ReturnType<typeof startSmtpFake>>;
const adapters: SmtpEmailProvider[] = [];
const adapter = (password?: string) => {
  const a = new SmtpEmailProvider({
    name: 'relay',
    host: fake.smtp.host,
    port: fake.smtp.port,
    tls: 'none',
    pool: false,
    timeoutMs: 500,
    username: fake.credentials.username,
    password: password ?? fake.credentials.password,
    messageIdKey: 'test-key',
  });
  adapters.push(a);
  return a;
};
const last = async () => (await fakeMessages(fake.baseUrl)).at(-1)!;

beforeAll(async () => {
  fake = await startSmtpFake({ instance: 'relay' });
});
afterEach(async () => clearFaults(fake.baseUrl));
afterAll(async () => {
  for (const a of adapters) a.close();
  await fake.stop();
});

describe('SMTP adapter: message', () => {
  it('sends every field; bcc only in the envelope; envelopeSender is MAIL FROM; a keyed Message-ID', async () => {
    const { tags: _t, metadata: _m, ...full } = FULL;
    const result = await adapter().send(email({ ...full, envelopeSender: 'bounces@mg.example.com', trackOpens: false }), ctx('order-1'));
    const sent = await last();
    const messageId = smtpMessageId('order-1', 'test-key', 'mg.example.com');
    expect(messageId).not.toContain('order-1');
    expect(sent.extra.messageIdHeader).toBe(messageId);
    expect(result.providerMessageId).toBe(messageId.slice(1, -1));
    expect(Object.keys(result.recipients).sort()).toEqual([
      'alice@example.com',
      'bob@example.com',
      'carol@example.com',
      'dave@example.com',
    ]);
    expect(Object.values(result.recipients).every((r) => r.status === 'queued')).toBe(true);
    expect(sent).toMatchObject({
      from: 'Shop <shop@mg.example.com>',
      to: ['Alice <alice@example.com>', 'bob@example.com'],
      cc: ['carol@example.com'],
      bcc: ['dave@example.com'],
      replyTo: ['help@example.com'],
      subject: 'Your order',
      text: 'Hello',
      html: '<p>Hello <img src="cid:logo@mailroom"></p>',
      headers: { 'X-Order': '42' },
      extra: {
        envelope: {
          from: 'bounces@mg.example.com',
          rcpt: ['alice@example.com', 'bob@example.com', 'carol@example.com', 'dave@example.com'],
        },
      },
    });
    expect(Object.keys(sent.headers).map((h) => h.toLowerCase())).not.toContain('bcc');
    expect(sent.attachments).toEqual([
      { filename: 'logo.png', contentType: 'image/png', size: 70, disposition: 'inline', contentId: 'logo@mailroom' },
      { filename: 'invoice.pdf', contentType: 'application/pdf', size: 16, disposition: 'attachment' },
    ]);
  });

  it('a retry after some recipients were settled sends only to the others, with the same Message-ID', async () => {
    const message = email({ to: ['alice@example.com', 'bob@example.com'] });
    const first = await adapter().send(message, ctx('retry-1'));
    const retry = await adapter().send(message, { ...ctx('retry-1'), attempt: 2, settledRecipients: ['alice@example.com'] });
    const sent = await last();
    expect(sent.extra.envelope).toEqual({ from: 'shop@mg.example.com', rcpt: ['bob@example.com'] });
    expect(sent.to).toEqual(['alice@example.com', 'bob@example.com']);
    expect(retry.providerMessageId).toBe(first.providerMessageId);
    expect(Object.keys(retry.recipients)).toEqual(['bob@example.com']);
  });
});

describe('SMTP adapter: unsupported features', () => {
  it('names every feature it lacks, before connecting', async () => {
    const before = (await fakeMessages(fake.baseUrl)).length;
    const error = await failure(
      adapter().send(
        email({
          to: ['alice@example.com'],
          template: { name: 'welcome' },
          subject: undefined,
          text: undefined,
          mergeData: { 'alice@example.com': { a: 1 } },
          trackOpens: true,
          sendAt: '2099-01-01T00:00:00Z',
          headers: { 'Message-ID': '<forged@example.com>' },
        }),
        ctx(),
      ),
    );
    expect(error).toBeInstanceOf(UnsupportedFeatureError);
    expect((error as unknown as UnsupportedFeatureError).features).toEqual([
      'stored templates',
      'mergeData (one message per recipient)',
      'trackOpens (per-message tracking override)',
      'sendAt (provider-side scheduling)',
      'headers.Message-ID (set from message fields)',
    ]);
    expect((await fakeMessages(fake.baseUrl)).length).toBe(before);
  });
});

describe('SMTP adapter: errors', () => {
  it('535 on AUTH: unauthorized, permanent, not accepted', async () => {
    expect(await failure(adapter('wrong').send(email(), ctx()))).toMatchObject({
      code: 'unauthorized',
      statusCode: 535,
      retryable: false,
      accepted: 'no',
    });
  });

  it.each([
    [550, 'sender_rejected', false],
    [552, 'message_too_large', false],
    [421, 'unavailable', true],
    [451, 'smtp_deferred', true],
  ])('reply %i at MAIL FROM → %s (retryable %s), not accepted', async (status, code, retryable) => {
    await fault(fake.baseUrl, { status, count: 1 });
    expect(await failure(adapter().send(email(), ctx()))).toMatchObject({ code, retryable, accepted: 'no', statusCode: status });
  });

  it('a connection dropped at MAIL FROM (the fake answers 421 as it drops) is unavailable, accepted: no', async () => {
    // A 421 reply came before the close: the relay said it did not take the message (RFC 5321 §3.8).
    await fault(fake.baseUrl, { status: 0, count: 1 });
    expect(await failure(adapter().send(email(), ctx()))).toMatchObject({ code: 'unavailable', retryable: true, accepted: 'no' });
  });

  it('a relay that stops answering mid-session times out, accepted: maybe', async () => {
    await fault(fake.baseUrl, { delayMs: 2000, count: 1 });
    expect(await failure(adapter().send(email(), ctx()))).toMatchObject({ code: 'timeout', retryable: true, accepted: 'maybe' });
  });

  it('a refused connection is accepted: no', async () => {
    const closed = new SmtpEmailProvider({ name: 'relay', host: '127.0.0.1', port: 9, tls: 'none', pool: false, timeoutMs: 500 });
    adapters.push(closed);
    expect(await failure(closed.send(email(), ctx()))).toMatchObject({ code: 'network', retryable: true, accepted: 'no' });
  });
});
