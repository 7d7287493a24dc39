/**
 * The Postmark adapter against the local Postmark fake: every field asserted on what the fake
 * received, ErrorCode bodies mapped (single and per batch message), ambiguous failures kept
 * `accepted: 'maybe'`.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UnsupportedFeatureError } from '../../../../src/providers/errors.js';
import { HttpClient } from '../../../../src/providers/http/client.js';
import { startPostmarkFake } from '../../../../src/providers/kinds/postmark/fake.js';
import { PostmarkEmailProvider } from '../../../../src/providers/kinds/postmark/send.js';
import { clearFaults, ctx, email, FULL, failure, fakeMessages, fault } from './support.js';

let fake: Awaited<ReturnType<typeof startPostmarkFake>>;
const http = new HttpClient({ timeoutMs: 500, sleep: async () => undefined });
const adapter = (serverToken?: string) =>
  new PostmarkEmailProvider({ name: 'pm', serverToken: serverToken ?? fake.credentials.serverToken, baseUrl: fake.baseUrl, http });
const last = async () => (await fakeMessages(fake.baseUrl)).at(-1)!;

/** Postmark deactivates a recipient after a hard bounce; the fake does so on a `bounced` event. */
async function deactivate(address: string): Promise<void> {
  await adapter().send(email({ to: address }), ctx('deactivate'));
  const id = (await last()).id;
  await fetch(`${fake.baseUrl}/_fake/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ messageId: id, event: 'bounced' }),
  });
}

beforeAll(async () => {
  fake = await startPostmarkFake({ instance: 'pm' });
});
afterEach(async () => clearFaults(fake.baseUrl));
afterAll(async () => {
  http.close();
  await fake.stop();
});

describe('Postmark adapter: payload', () => {
  it('sends every field to /email and reports each recipient queued with the MessageID', async () => {
    const result = await adapter().send(
      email({ ...FULL, trackOpens: true, trackClicks: false, providerOptions: { messageStream: 'broadcast' } }),
      ctx('order-1'),
    );
    const sent = await last();
    expect(result).toMatchObject({ provider: 'pm', providerMessageId: sent.id });
    expect(Object.keys(result.recipients).sort()).toEqual([
      'alice@example.com',
      'bob@example.com',
      'carol@example.com',
      'dave@example.com',
    ]);
    expect(Object.values(result.recipients).every((r) => r.status === 'queued' && r.providerMessageId === sent.id)).toBe(true);
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
      tags: ['orders'],
      metadata: { mailroom_id: 'order-1', orderId: 'o-1', total: '42', paid: 'true' },
      extra: { messageStream: 'broadcast', trackOpens: true, trackLinks: 'None' },
    });
    expect(sent.attachments).toEqual([
      { filename: 'invoice.pdf', contentType: 'application/pdf', size: 16, disposition: 'attachment' },
      { filename: 'logo.png', contentType: 'image/png', size: 70, disposition: 'inline', contentId: 'logo@mailroom' },
    ]);
  });

  it('a stored template goes to /email/withTemplate with TemplateAlias and the model', async () => {
    await adapter().send(
      email({
        subject: undefined,
        text: undefined,
        template: { name: 'welcome', data: { plan: 'pro' } },
        mergeGlobalData: { shop: 'Acme' },
      }),
      ctx(),
    );
    expect((await last()).extra).toMatchObject({
      templateAlias: 'welcome',
      templateModel: { shop: 'Acme', plan: 'pro' },
      messageStream: 'outbound',
    });
  });

  it('mergeData goes to /email/batchWithTemplates: one message per to, cc copied, a status per recipient', async () => {
    const before = (await fakeMessages(fake.baseUrl)).length;
    const result = await adapter().send(
      email({
        subject: undefined,
        text: undefined,
        to: ['alice@example.com', 'bob@example.com'],
        cc: 'carol@example.com',
        template: { name: '12345' },
        mergeData: { 'alice@example.com': { name: 'Alice' }, 'bob@example.com': { name: 'Bob' } },
      }),
      ctx(),
    );
    const sent = (await fakeMessages(fake.baseUrl)).slice(before);
    expect(sent.map((s) => [s.to, s.cc, s.extra.templateId, s.extra.templateModel])).toEqual([
      [['alice@example.com'], ['carol@example.com'], 12345, { name: 'Alice' }],
      [['bob@example.com'], ['carol@example.com'], 12345, { name: 'Bob' }],
    ]);
    expect(result.recipients).toEqual({
      'alice@example.com': { status: 'queued', providerMessageId: sent[0]!.id },
      'bob@example.com': { status: 'queued', providerMessageId: sent[1]!.id },
      'carol@example.com': { status: 'queued', detail: 'copied on 2 of 2 messages' },
    });
  });
});

describe('Postmark adapter: unsupported features', () => {
  it('names every feature it lacks, before any request', async () => {
    const before = (await fakeMessages(fake.baseUrl)).length;
    const error = await failure(
      adapter().send(
        email({
          amp: '<html amp4email></html>',
          envelopeSender: 'bounces@mg.example.com',
          sendAt: '2099-01-01T00:00:00Z',
          tags: ['a', 'b'],
          metadata: { mailroom_id: 'forged' },
          headers: { 'X-PM-Tag': 'x' },
          mergeData: { 'alice@example.com': { name: 'Alice' } },
        }),
        ctx(),
      ),
    );
    expect(error).toBeInstanceOf(UnsupportedFeatureError);
    expect((error as unknown as UnsupportedFeatureError).features).toEqual([
      'envelopeSender',
      'amp',
      'sendAt (provider-side scheduling)',
      'more than one tag (Postmark keeps one Tag per message; the first is sent)',
      "metadata.mailroom_id (the Metadata key carrying Mailroom's id)",
      'headers.X-PM-Tag (set from message fields or a Postmark control header)',
      'mergeData without a stored template (Postmark substitutes variables only in templates)',
    ]);
    expect((await fakeMessages(fake.baseUrl)).length).toBe(before);
  });

  it('more tags than one are dropped under ignoreUnsupportedFeatures, the first is sent', async () => {
    const result = await adapter().send(email({ tags: ['first', 'second'] }), ctx('m', { ignoreUnsupportedFeatures: true }));
    expect(result.ignoredFeatures).toEqual(['more than one tag (Postmark keeps one Tag per message; the first is sent)']);
    expect((await last()).tags).toEqual(['first']);
  });
});

describe('Postmark adapter: errors', () => {
  it('ErrorCode 10 (bad token, HTTP 401): unauthorized', async () => {
    expect(await failure(adapter('wrong').send(email(), ctx()))).toMatchObject({
      code: 'unauthorized',
      providerCode: '10',
      retryable: false,
      accepted: 'no',
      statusCode: 401,
    });
  });

  it('ErrorCode 300 with an illegal address: invalid_address, recipient invalid', async () => {
    const error = await failure(adapter().send({ ...email(), to: [{ address: 'alice@localhost' }] }, ctx()));
    expect(error).toMatchObject({
      code: 'invalid_address',
      providerCode: '300',
      retryable: false,
      recipients: { 'alice@localhost': { status: 'invalid' } },
    });
  });

  it('ErrorCode 411 (forbidden attachment type): forbidden_attachment', async () => {
    const error = await failure(adapter().send(email({ attachments: [{ filename: 'run.exe', content: 'AAAA' }] }), ctx()));
    expect(error).toMatchObject({ code: 'forbidden_attachment', providerCode: '411', retryable: false, accepted: 'no' });
  });

  it('ErrorCode 406 (inactive recipient): suppressed, recipient rejected', async () => {
    await deactivate('gone@example.com');
    const error = await failure(adapter().send(email({ to: 'gone@example.com' }), ctx()));
    expect(error).toMatchObject({
      code: 'suppressed',
      providerCode: '406',
      retryable: false,
      recipients: { 'gone@example.com': { status: 'rejected' } },
    });
  });

  it('a batch answers per message: an inactive recipient is rejected, the others queued', async () => {
    await deactivate('bounced@example.com');
    const result = await adapter().send(
      email({
        subject: undefined,
        text: undefined,
        to: ['alice@example.com', 'bounced@example.com'],
        template: { name: 'welcome' },
        mergeData: { 'alice@example.com': { n: 1 }, 'bounced@example.com': { n: 2 } },
      }),
      ctx(),
    );
    expect(result.recipients['alice@example.com']).toMatchObject({ status: 'queued' });
    expect(result.recipients['bounced@example.com']).toMatchObject({ status: 'rejected', code: 'suppressed' });
  });

  it.each([
    [429, 'throttled', true, 'no'],
    // The fake answers other statuses with ErrorCode 100 (Maintenance): the code names it, the status says whether it was accepted.
    [500, 'unavailable', true, 'maybe'],
    [503, 'unavailable', true, 'no'],
  ])('HTTP %i → %s (retryable %s, accepted %s)', async (status, code, retryable, accepted) => {
    await fault(fake.baseUrl, { status, count: 1 });
    expect(await failure(adapter().send(email(), ctx()))).toMatchObject({ code, retryable, accepted, statusCode: status });
  });

  it('a connection closed after the request was written is accepted: maybe', async () => {
    await fault(fake.baseUrl, { status: 0, count: 1 });
    expect(await failure(adapter().send(email(), ctx()))).toMatchObject({ code: 'network', retryable: true, accepted: 'maybe' });
  });

  it('a timeout after the request was written is accepted: maybe', async () => {
    await fault(fake.baseUrl, { delayMs: 2000, count: 1 });
    expect(await failure(adapter().send(email(), ctx()))).toMatchObject({ code: 'timeout', retryable: true, accepted: 'maybe' });
  });
});
