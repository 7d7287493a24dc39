/**
 * The SendGrid adapter against the local SendGrid fake: every field asserted on what the fake
 * received, the documented error bodies mapped, ambiguous failures kept `accepted: 'maybe'`.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UnsupportedFeatureError } from '../../../../src/providers/errors.js';
import { HttpClient } from '../../../../src/providers/http/client.js';
import { startSendgridFake } from '../../../../src/providers/kinds/sendgrid/fake.js';
import { SendgridEmailProvider } from '../../../../src/providers/kinds/sendgrid/send.js';
import { clearFaults, ctx, email, FULL, failure, fakeMessages, fault, PDF_B64 } from './support.js';

let fake: Awaited<ReturnType<typeof startSendgridFake>>;
const http = new HttpClient({ timeoutMs: 500, sleep: async () => undefined });
const NOW = new Date('2026-12-04T12:00:00Z');
const adapter = (apiKey?: string) =>
  new SendgridEmailProvider({ name: 'sg', apiKey: apiKey ?? fake.credentials.apiKey, baseUrl: fake.baseUrl, http, now: () => NOW });
const last = async () => (await fakeMessages(fake.baseUrl)).at(-1)!;

beforeAll(async () => {
  fake = await startSendgridFake({ instance: 'sg' });
});
afterEach(async () => clearFaults(fake.baseUrl));
afterAll(async () => {
  http.close();
  await fake.stop();
});

describe('SendGrid adapter: payload', () => {
  it('sends every field and reports each recipient queued with the X-Message-Id', async () => {
    const result = await adapter().send(
      email({ ...FULL, amp: '<html amp4email></html>', trackOpens: false, trackClicks: true, sendAt: '2026-12-05T12:00:00Z' }),
      ctx('order-1'),
    );
    const sent = await last();
    expect(sent.id).toMatch(/^fakeSG/);
    expect(result).toMatchObject({ provider: 'sg', providerMessageId: sent.id });
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
      extra: { sendAt: Date.parse('2026-12-05T12:00:00Z') / 1000 },
    });
    expect(sent.attachments).toEqual([
      { filename: 'invoice.pdf', contentType: 'application/pdf', size: 16, disposition: 'attachment' },
      { filename: 'logo.png', contentType: 'image/png', size: 70, disposition: 'inline', contentId: 'logo@mailroom' },
    ]);
  });

  it('mergeData: one personalization per to with cc copies; substitutions without a template', async () => {
    await adapter().send(
      email({
        to: ['alice@example.com', 'bob@example.com'],
        cc: 'carol@example.com',
        subject: 'Hi {{name}}',
        text: 'Hello {{name}} from {{shop}}',
        mergeGlobalData: { shop: 'Acme' },
        mergeData: { 'alice@example.com': { name: 'Alice' }, 'bob@example.com': { name: 'Bob' } },
      }),
      ctx(),
    );
    expect((await last()).extra.personalizations).toEqual([
      {
        to: [{ email: 'alice@example.com' }],
        cc: [{ email: 'carol@example.com' }],
        substitutions: { '{{shop}}': 'Acme', '{{name}}': 'Alice' },
      },
      {
        to: [{ email: 'bob@example.com' }],
        cc: [{ email: 'carol@example.com' }],
        substitutions: { '{{shop}}': 'Acme', '{{name}}': 'Bob' },
      },
    ]);
  });

  it('a dynamic template gets template_id and dynamic_template_data per recipient', async () => {
    await adapter().send(
      email({
        subject: undefined,
        text: undefined,
        to: ['alice@example.com', 'bob@example.com'],
        template: { name: 'd-123', data: { plan: 'pro' } },
        mergeData: { 'alice@example.com': { name: 'Alice' }, 'bob@example.com': { name: 'Bob', plan: 'team' } },
        providerOptions: { batchId: 'batch-1' },
      }),
      ctx(),
    );
    const sent = await last();
    expect(sent.extra).toMatchObject({ templateId: 'd-123', batchId: 'batch-1' });
    expect(sent.extra.personalizations).toEqual([
      { to: [{ email: 'alice@example.com' }], dynamic_template_data: { plan: 'pro', name: 'Alice' } },
      { to: [{ email: 'bob@example.com' }], dynamic_template_data: { plan: 'team', name: 'Bob' } },
    ]);
  });
});

describe('SendGrid adapter: unsupported features', () => {
  it('names every feature it lacks, before any request', async () => {
    const before = (await fakeMessages(fake.baseUrl)).length;
    const error = await failure(
      adapter().send(
        email({
          to: undefined,
          cc: 'carol@example.com',
          envelopeSender: 'bounces@mg.example.com',
          metadata: { event: 'x', mailroom_id: 'forged' },
          headers: { 'X-SMTPAPI': '{}' },
          sendAt: '2026-12-08T12:00:00Z',
        }),
        ctx(),
      ),
    );
    expect(error).toBeInstanceOf(UnsupportedFeatureError);
    expect((error as unknown as UnsupportedFeatureError).features).toEqual([
      'envelopeSender',
      'a message without `to` (SendGrid requires a to address in every personalization)',
      "metadata.event (a name SendGrid events or Mailroom's id use)",
      "metadata.mailroom_id (a name SendGrid events or Mailroom's id use)",
      'headers.X-SMTPAPI (SendGrid does not allow it in headers)',
      'sendAt more than 72 hours ahead (SendGrid send_at window)',
    ]);
    expect((await fakeMessages(fake.baseUrl)).length).toBe(before);
  });
});

describe('SendGrid adapter: errors', () => {
  it('401 invalid key: unauthorized, permanent, not accepted', async () => {
    expect(await failure(adapter('SG.wrong').send(email(), ctx()))).toMatchObject({
      code: 'unauthorized',
      retryable: false,
      accepted: 'no',
      statusCode: 401,
    });
  });

  it('400 with an invalid address field: invalid_address', async () => {
    const error = await failure(adapter().send({ ...email(), to: [{ address: 'alice@localhost' }] }, ctx()));
    expect(error).toMatchObject({
      code: 'invalid_address',
      retryable: false,
      accepted: 'no',
      recipients: { 'alice@localhost': { status: 'invalid' } },
    });
  });

  it('400 for another field (inline attachment without content_id): bad_request', async () => {
    const m = email({ attachments: [{ filename: 'a.pdf', content: PDF_B64 }] });
    const broken = { ...m, attachments: [{ ...m.attachments![0]!, disposition: 'inline' as const }] };
    expect(await failure(adapter().send(broken, ctx()))).toMatchObject({ code: 'bad_request', retryable: false, accepted: 'no' });
  });

  it.each([
    [403, 'forbidden', false, 'no'],
    [413, 'payload_too_large', false, 'no'],
    [429, 'throttled', true, 'no'],
    [500, 'provider_error', true, 'maybe'],
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
