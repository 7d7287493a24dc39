/**
 * The Mailgun adapter against the local Mailgun fake: every field asserted on what the fake
 * received, the documented error answers mapped, ambiguous failures kept `accepted: 'maybe'`.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UnsupportedFeatureError } from '../../../../src/providers/errors.js';
import { HttpClient } from '../../../../src/providers/http/client.js';
import { startMailgunFake } from '../../../../src/providers/kinds/mailgun/fake.js';
import { MailgunEmailProvider } from '../../../../src/providers/kinds/mailgun/send.js';
import { clearFaults, ctx, email, FULL, failure, fakeMessages, fault } from './support.js';

let fake: Awaited<ReturnType<typeof startMailgunFake>>;
const http = new HttpClient({ timeoutMs: 500, sleep: async () => undefined });
const NOW = new Date('2026-12-04T12:00:00Z');
const adapter = (over: { apiKey?: string; domain?: string } = {}) =>
  new MailgunEmailProvider({
    name: 'mg',
    apiKey: over.apiKey ?? fake.credentials.apiKey,
    domain: over.domain ?? fake.credentials.domain,
    baseUrl: fake.baseUrl,
    http,
    now: () => NOW,
  });
const last = async () => (await fakeMessages(fake.baseUrl)).at(-1)!;

beforeAll(async () => {
  fake = await startMailgunFake({ instance: 'mg' });
});
afterEach(async () => clearFaults(fake.baseUrl));
afterAll(async () => {
  http.close();
  await fake.stop();
});

describe('Mailgun adapter: payload', () => {
  it('sends every field and reports each recipient queued with the bare Mailgun id', async () => {
    const result = await adapter().send(email({ ...FULL, trackOpens: true, trackClicks: false }), ctx('order-1'));
    const sent = await last();
    expect(sent.id).toMatch(/^<.+@mg\.example\.com>$/);
    const bare = sent.id.slice(1, -1);
    expect(result).toMatchObject({ provider: 'mg', providerMessageId: bare });
    expect(Object.keys(result.recipients).sort()).toEqual([
      'alice@example.com',
      'bob@example.com',
      'carol@example.com',
      'dave@example.com',
    ]);
    expect(Object.values(result.recipients).every((r) => r.status === 'queued' && r.providerMessageId === bare)).toBe(true);
    expect(sent).toMatchObject({
      from: 'Shop <shop@mg.example.com>',
      to: ['Alice <alice@example.com>', 'bob@example.com'],
      cc: ['carol@example.com'],
      bcc: ['dave@example.com'],
      replyTo: ['help@example.com'],
      subject: 'Your order',
      text: 'Hello',
      html: '<p>Hello <img src="cid:logo@mailroom"></p>',
      headers: { 'X-Order': '42', 'Reply-To': 'help@example.com' },
      tags: ['orders'],
      metadata: { mailroom_id: 'order-1', orderId: 'o-1', total: '42', paid: 'true' },
      extra: { options: { 'tracking-opens': 'yes', 'tracking-clicks': 'no' } },
    });
    expect(sent.attachments).toEqual([
      { filename: 'invoice.pdf', contentType: 'application/pdf', size: 16, disposition: 'attachment' },
      { filename: 'logo@mailroom', contentType: 'image/png', size: 70, disposition: 'inline', contentId: 'logo@mailroom' },
    ]);
  });

  it('sends mergeData as recipient-variables (global data merged in) and a stored template with t:variables', async () => {
    await adapter().send(
      email({
        to: ['alice@example.com', 'Bob <bob@example.com>'],
        template: { name: 'welcome', data: { plan: 'pro' } },
        mergeGlobalData: { shop: 'Acme', plan: 'free' },
        mergeData: { 'alice@example.com': { name: 'Alice' }, 'bob@example.com': { name: 'Bob', shop: 'Bobs' } },
        providerOptions: { templateVersion: 'v2' },
      }),
      ctx(),
    );
    const sent = await last();
    expect(sent.extra).toMatchObject({
      template: 'welcome',
      templateOptions: { variables: JSON.stringify({ shop: 'Acme', plan: 'pro' }), version: 'v2' },
      recipientVariables: {
        'alice@example.com': { shop: 'Acme', plan: 'free', name: 'Alice' },
        'bob@example.com': { shop: 'Bobs', plan: 'free', name: 'Bob' },
      },
    });
  });

  it('schedules a sendAt within 3 days with o:deliverytime (RFC 2822)', async () => {
    await adapter().send(email({ sendAt: '2026-12-05T09:30:00+01:00' }), ctx());
    expect((await last()).extra).toMatchObject({ options: { deliverytime: 'Sat, 05 Dec 2026 08:30:00 +0000' } });
  });
});

describe('Mailgun adapter: unsupported features', () => {
  it('names every feature it lacks, before any request', async () => {
    const before = (await fakeMessages(fake.baseUrl)).length;
    const error = await failure(
      adapter().send(
        email({
          envelopeSender: 'bounces@mg.example.com',
          template: { subject: 'Hi {{name}}', text: 'x' },
          tags: ['a', 'b', 'c', 'd'],
          metadata: { mailroom_id: 'forged' },
          headers: { 'X-Mailgun-Variables': '{"mailroom_id":"forged"}' },
          sendAt: '2026-12-10T00:00:00Z',
          providerOptions: { 'o:testmode': 'yes' },
        }),
        ctx(),
      ),
    );
    expect(error).toBeInstanceOf(UnsupportedFeatureError);
    expect((error as unknown as UnsupportedFeatureError).features).toEqual(
      expect.arrayContaining([
        'envelopeSender',
        'inline templates',
        "more than 3 tags (Mailgun's o:tag limit)",
        "metadata.mailroom_id (the variable carrying Mailroom's id)",
        'headers.X-Mailgun-Variables (set from message fields or a Mailgun control header)',
        'sendAt more than 3 days ahead (Mailgun o:deliverytime window)',
        'providerOptions.o:testmode (not an option this adapter passes on)',
      ]),
    );
    expect(error).toMatchObject({ retryable: false, accepted: 'no', code: 'unsupported_feature' });
    expect((await fakeMessages(fake.baseUrl)).length).toBe(before);
  });

  it('drops droppable features under ignoreUnsupportedFeatures and names them', async () => {
    const result = await adapter().send(email({ tags: ['a', 'b', 'c', 'd'] }), ctx('m', { ignoreUnsupportedFeatures: true }));
    expect(result.ignoredFeatures).toEqual(["more than 3 tags (Mailgun's o:tag limit)"]);
    expect((await last()).tags).toEqual(['a', 'b', 'c']);
  });
});

describe('Mailgun adapter: errors', () => {
  it('401 Forbidden (wrong key): permanent, not accepted', async () => {
    expect(await failure(adapter({ apiKey: 'wrong' }).send(email(), ctx()))).toMatchObject({
      code: 'unauthorized',
      retryable: false,
      accepted: 'no',
      statusCode: 401,
    });
  });

  it('404 Domain not found: domain_not_found', async () => {
    expect(await failure(adapter({ domain: 'other.example.com' }).send(email(), ctx()))).toMatchObject({
      code: 'domain_not_found',
      retryable: false,
      accepted: 'no',
    });
  });

  it('400 "not a valid address": invalid_address, recipients settled as invalid', async () => {
    // The contract refuses such an address; a message built past it shows Mailgun's own answer.
    const error = await failure(adapter().send({ ...email(), from: { address: 'shop@localhost' } }, ctx()));
    expect(error).toMatchObject({
      code: 'invalid_address',
      retryable: false,
      accepted: 'no',
      recipients: { 'alice@example.com': { status: 'invalid' } },
    });
  });

  it.each([
    [402, 'request_failed', false, 'no'],
    [403, 'forbidden', false, 'no'],
    [413, 'payload_too_large', false, 'no'],
    [429, 'throttled', true, 'no'],
    [500, 'provider_error', true, 'maybe'],
    [502, 'bad_gateway', true, 'maybe'],
    [503, 'unavailable', true, 'no'],
    [504, 'gateway_timeout', true, 'maybe'],
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
