/**
 * The Resend adapter against the local Resend fake: every field asserted on what the fake
 * received, error bodies mapped, idempotency (a retry never sends twice), ambiguous failures
 * kept `accepted: 'maybe'`.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UnsupportedFeatureError } from '../../../../src/providers/errors.js';
import { HttpClient } from '../../../../src/providers/http/client.js';
import { startResendFake } from '../../../../src/providers/kinds/resend/fake.js';
import { readResendTags } from '../../../../src/providers/kinds/resend/fields.js';
import { ResendEmailProvider } from '../../../../src/providers/kinds/resend/send.js';
import { clearFaults, ctx, email, FULL, failure, fakeMessages, fault } from './support.js';

let fake: Awaited<ReturnType<typeof startResendFake>>;
const http = new HttpClient({ timeoutMs: 500, sleep: async () => undefined });
const NOW = new Date('2026-12-04T12:00:00Z');
const adapter = (apiKey?: string) =>
  new ResendEmailProvider({ name: 'rs', apiKey: apiKey ?? fake.credentials.apiKey, baseUrl: fake.baseUrl, http, now: () => NOW });
const count = async () => (await fakeMessages(fake.baseUrl)).length;
const last = async () => (await fakeMessages(fake.baseUrl)).at(-1)!;
const tagsOf = (metadata: Record<string, string>) => readResendTags(Object.entries(metadata).map(([name, value]) => ({ name, value })));

beforeAll(async () => {
  fake = await startResendFake({ instance: 'rs' });
});
afterEach(async () => clearFaults(fake.baseUrl));
afterAll(async () => {
  http.close();
  await fake.stop();
});

describe('Resend adapter: payload', () => {
  it('sends every field and reports each recipient queued with the Resend id', async () => {
    const result = await adapter().send(
      email({ ...FULL, metadata: { 'order.id': 'o:1', total: 42 }, tags: ['orders', 'eu west'], sendAt: '2026-12-20T12:00:00+01:00' }),
      ctx('order:1'),
    );
    const sent = await last();
    expect(result).toMatchObject({ provider: 'rs', providerMessageId: sent.id });
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
      extra: { scheduledAt: '2026-12-20T11:00:00.000Z' },
    });
    // Tags hold our id, the metadata and the contract tags in Resend's charset, and decode back.
    expect(Object.keys(sent.metadata).every((n) => /^[A-Za-z0-9_-]+$/.test(n))).toBe(true);
    expect(tagsOf(sent.metadata)).toEqual({
      messageId: 'order:1',
      metadata: { 'order.id': 'o:1', total: '42' },
      tags: ['orders', 'eu west'],
    });
    expect(sent.attachments).toEqual([
      { filename: 'invoice.pdf', contentType: 'application/pdf', size: 16, disposition: 'attachment' },
      { filename: 'logo.png', contentType: 'image/png', size: 70, disposition: 'inline', contentId: 'logo@mailroom' },
    ]);
  });

  it('mergeData with a stored template goes to /emails/batch: one email per to, a status per recipient', async () => {
    const before = await count();
    const result = await adapter().send(
      email({
        subject: undefined,
        text: undefined,
        to: ['alice@example.com', 'bob@example.com'],
        bcc: 'audit@example.com',
        template: { name: 'tpl-welcome', data: { plan: 'pro' } },
        mergeData: { 'alice@example.com': { name: 'Alice' }, 'bob@example.com': { name: 'Bob' } },
      }),
      ctx('batch-1'),
    );
    const sent = (await fakeMessages(fake.baseUrl)).slice(before);
    expect(sent.map((s) => [s.to, s.bcc, s.extra.template])).toEqual([
      [['alice@example.com'], ['audit@example.com'], { id: 'tpl-welcome', variables: { plan: 'pro', name: 'Alice' } }],
      [['bob@example.com'], ['audit@example.com'], { id: 'tpl-welcome', variables: { plan: 'pro', name: 'Bob' } }],
    ]);
    expect(result.recipients).toEqual({
      'alice@example.com': { status: 'queued', providerMessageId: sent[0]!.id },
      'bob@example.com': { status: 'queued', providerMessageId: sent[1]!.id },
      'audit@example.com': { status: 'queued', detail: 'copied on 2 emails' },
    });
  });
});

describe('Resend adapter: idempotency', () => {
  it('a retry of the same message (same key, same body) creates no second email and gets the same id', async () => {
    const message = email({ subject: 'Once' });
    const first = await adapter().send(message, ctx('idem-1'));
    const before = await count();
    const retry = await adapter().send(message, { ...ctx('idem-1'), attempt: 2 });
    expect(await count()).toBe(before);
    expect(retry.providerMessageId).toBe(first.providerMessageId);
  });

  it('a dropped connection is retried by the client with the same key: exactly one email', async () => {
    const before = await count();
    await fault(fake.baseUrl, { status: 0, count: 1 });
    const result = await adapter().send(email({ subject: 'After a reset' }), ctx('idem-2'));
    expect(await count()).toBe(before + 1);
    expect(result.providerMessageId).toBe((await last()).id);
  });

  it('the same key with another body is idempotency_conflict: permanent, and maybe accepted (never failed over)', async () => {
    await adapter().send(email({ subject: 'A' }), ctx('idem-3'));
    expect(await failure(adapter().send(email({ subject: 'B' }), ctx('idem-3')))).toMatchObject({
      code: 'idempotency_conflict',
      providerCode: 'invalid_idempotent_request',
      statusCode: 409,
      retryable: false,
      accepted: 'maybe',
    });
  });
});

describe('Resend adapter: unsupported features', () => {
  it('names every feature it lacks, before any request', async () => {
    const before = await count();
    const error = await failure(
      adapter().send(
        email({
          amp: '<html amp4email></html>',
          envelopeSender: 'b@mg.example.com',
          trackOpens: true,
          mergeData: { 'alice@example.com': { a: 1 } },
          attachments: [{ filename: 'a.pdf', content: 'AAAA' }],
          sendAt: '2027-02-01T00:00:00Z',
        }),
        ctx(),
      ),
    );
    expect(error).toBeInstanceOf(UnsupportedFeatureError);
    expect((error as unknown as UnsupportedFeatureError).features).toEqual([
      'envelopeSender',
      'amp',
      'trackOpens (per-message tracking override)',
      'mergeData without a stored template (Resend substitutes variables only in templates)',
      'attachments with mergeData (the Resend batch endpoint takes no attachments)',
      'sendAt with mergeData (the Resend batch endpoint takes no scheduled_at)',
      'sendAt more than 30 days ahead (Resend scheduled_at window)',
    ]);
    expect(await count()).toBe(before);
  });
});

describe('Resend adapter: errors', () => {
  it('403 invalid_api_key: unauthorized', async () => {
    expect(await failure(adapter('re_wrong').send(email(), ctx()))).toMatchObject({
      code: 'unauthorized',
      providerCode: 'invalid_api_key',
      statusCode: 403,
      retryable: false,
      accepted: 'no',
    });
  });

  it('422 validation_error on an address: invalid_address, recipient invalid', async () => {
    const error = await failure(adapter().send({ ...email(), to: [{ address: 'alice@localhost' }] }, ctx()));
    expect(error).toMatchObject({
      code: 'invalid_address',
      providerCode: 'validation_error',
      retryable: false,
      recipients: { 'alice@localhost': { status: 'invalid' } },
    });
  });

  it('429 rate_limit_exceeded: throttled, not accepted', async () => {
    await fault(fake.baseUrl, { status: 429, count: 1 });
    expect(await failure(adapter().send(email(), ctx('t-429')))).toMatchObject({
      code: 'throttled',
      throttled: true,
      retryable: true,
      accepted: 'no',
    });
  });

  it('500 application_error: provider_error, maybe accepted', async () => {
    await fault(fake.baseUrl, { status: 500, count: 1 });
    expect(await failure(adapter().send(email(), ctx('t-500')))).toMatchObject({
      code: 'provider_error',
      providerCode: 'application_error',
      retryable: true,
      accepted: 'maybe',
    });
  });

  it('a connection closed on every attempt is accepted: maybe', async () => {
    await fault(fake.baseUrl, { status: 0, count: 5 });
    expect(await failure(adapter().send(email(), ctx('t-0')))).toMatchObject({ code: 'network', retryable: true, accepted: 'maybe' });
  });

  it('a timeout on every attempt is accepted: maybe', async () => {
    await fault(fake.baseUrl, { delayMs: 1000, count: 5 });
    expect(await failure(adapter().send(email(), ctx('t-timeout')))).toMatchObject({ code: 'timeout', retryable: true, accepted: 'maybe' });
  });
});
