import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMailgunFake } from '../../../../src/providers/kinds/mailgun/fake.js';
import { json, PDF, PNG_1PX, type Receiver, startReceiver } from './support.js';

type Fake = Awaited<ReturnType<typeof startMailgunFake>>;
let fake: Fake;
let receiver: Receiver;

beforeEach(async () => {
  receiver = await startReceiver();
  fake = await startMailgunFake({
    instance: 'mg',
    webhookBaseUrl: receiver.baseUrl,
    credentials: { apiKey: 'key-1', domain: 'mg.example.com' },
  });
});
afterEach(async () => {
  await fake.stop();
  await receiver.close();
});

const auth = (key = 'key-1') => ({ authorization: `Basic ${Buffer.from(`api:${key}`).toString('base64')}` });
const url = (domain = 'mg.example.com') => `${fake.baseUrl}/v3/${domain}/messages`;

function fullForm(): FormData {
  const form = new FormData();
  form.append('from', 'Shop <shop@mg.example.com>');
  form.append('to', 'Alice <alice@example.com>, bob@example.com');
  form.append('cc', 'carol@example.com');
  form.append('bcc', 'dave@example.com');
  form.append('subject', 'Your order');
  form.append('text', 'Hello');
  form.append('html', '<p>Hello <img src="cid:logo.png"></p>');
  form.append('h:Reply-To', 'help@example.com');
  form.append('h:X-Order', '42');
  form.append('o:tag', 'orders');
  form.append('o:tag', 'eu');
  form.append('o:deliverytime', 'Fri, 04 Dec 2026 20:00:00 +0000');
  form.append('v:mailroomId', 'msg-1');
  form.append('v:plan', 'pro');
  form.append('attachment', new Blob([PDF], { type: 'application/pdf' }), 'invoice.pdf');
  form.append('inline', new Blob([PNG_1PX], { type: 'image/png' }), 'logo.png');
  return form;
}

describe('Mailgun fake: auth and validation', () => {
  it('refuses a wrong API key with 401 and the text body "Forbidden"', async () => {
    const res = await fetch(url(), { method: 'POST', headers: auth('wrong'), body: fullForm() });
    expect(res.status).toBe(401);
    expect(await res.text()).toBe('Forbidden');
  });

  it('answers 404 for a domain it does not know', async () => {
    const res = await fetch(url('other.example.com'), { method: 'POST', headers: auth(), body: fullForm() });
    expect(res.status).toBe(404);
    expect(await json(res)).toEqual({ message: 'Domain not found: other.example.com' });
  });

  it.each([
    ['from', 'from parameter is missing'],
    ['to', 'to parameter is missing'],
    ['subject', 'subject parameter is missing'],
  ])('answers 400 {message} when %s is missing', async (field, message) => {
    const form = fullForm();
    form.delete(field);
    const res = await fetch(url(), { method: 'POST', headers: auth(), body: form });
    expect(res.status).toBe(400);
    expect(await json(res)).toEqual({ message });
  });

  it('answers 400 when there is no text, html or template', async () => {
    const form = new URLSearchParams({ from: 'a@mg.example.com', to: 'b@example.com', subject: 's' });
    const res = await fetch(url(), { method: 'POST', headers: auth(), body: form });
    expect(res.status).toBe(400);
    expect(await json(res)).toEqual({ message: "Need at least one of 'text', 'html', 'amp-html' or 'template' parameters specified" });
  });

  it('answers 400 for an invalid address and for recipient-variables that are not JSON', async () => {
    const badTo = new URLSearchParams({ from: 'a@mg.example.com', to: 'not-an-address', subject: 's', text: 't' });
    const r1 = await fetch(url(), { method: 'POST', headers: auth(), body: badTo });
    expect(await json(r1)).toEqual({ message: 'to parameter is not a valid address. please check documentation' });
    const badRv = new URLSearchParams({
      from: 'a@mg.example.com',
      to: 'b@example.com',
      subject: 's',
      text: 't',
      'recipient-variables': '{',
    });
    const r2 = await fetch(url(), { method: 'POST', headers: auth(), body: badRv });
    expect(r2.status).toBe(400);
    expect(await json(r2)).toEqual({ message: 'recipient-variables parameter is not a valid JSON' });
  });
});

describe('Mailgun fake: accepted messages', () => {
  it('queues a full multipart request and lists every field parsed in _fake/messages', async () => {
    const res = await fetch(url(), { method: 'POST', headers: auth(), body: fullForm() });
    expect(res.status).toBe(200);
    const answer = (await json(res)) as { id: string; message: string };
    expect(answer).toEqual({ id: '<00000001.fake@mg.example.com>', message: 'Queued. Thank you.' });

    const [message] = (await json(await fetch(`${fake.baseUrl}/_fake/messages`))) as Array<Record<string, unknown>>;
    expect(message).toMatchObject({
      id: answer.id,
      from: 'Shop <shop@mg.example.com>',
      to: ['Alice <alice@example.com>', 'bob@example.com'],
      cc: ['carol@example.com'],
      bcc: ['dave@example.com'],
      replyTo: ['help@example.com'],
      subject: 'Your order',
      text: 'Hello',
      html: '<p>Hello <img src="cid:logo.png"></p>',
      attachments: [
        { filename: 'invoice.pdf', contentType: 'application/pdf', size: PDF.length, disposition: 'attachment' },
        { filename: 'logo.png', contentType: 'image/png', size: PNG_1PX.length, disposition: 'inline', contentId: 'logo.png' },
      ],
      headers: { 'Reply-To': 'help@example.com', 'X-Order': '42' },
      tags: ['orders', 'eu'],
      metadata: { mailroomId: 'msg-1', plan: 'pro' },
      extra: { options: { deliverytime: 'Fri, 04 Dec 2026 20:00:00 +0000' } },
    });
  });

  it('accepts urlencoded bodies and counts ids deterministically', async () => {
    const body = () => new URLSearchParams({ from: 'a@mg.example.com', to: 'b@example.com', subject: 's', text: 't' });
    const first = (await json(await fetch(url(), { method: 'POST', headers: auth(), body: body() }))) as { id: string };
    const second = (await json(await fetch(url(), { method: 'POST', headers: auth(), body: body() }))) as { id: string };
    expect([first.id, second.id]).toEqual(['<00000001.fake@mg.example.com>', '<00000002.fake@mg.example.com>']);
  });
});

describe('Mailgun fake: _fake/events', () => {
  it.each([
    ['delivered', 'delivered', undefined],
    ['bounced', 'failed', 'permanent'],
    ['deferred', 'failed', 'temporary'],
    ['opened', 'opened', undefined],
    ['clicked', 'clicked', undefined],
    ['complained', 'complained', undefined],
    ['unsubscribed', 'unsubscribed', undefined],
  ])('posts %s as a signed Mailgun "%s" webhook carrying the v: variables', async (event, native, severity) => {
    const sent = (await json(await fetch(url(), { method: 'POST', headers: auth(), body: fullForm() }))) as { id: string };
    const res = await fetch(`${fake.baseUrl}/_fake/events`, { method: 'POST', body: JSON.stringify({ messageId: sent.id, event }) });
    expect(res.status).toBe(200);

    expect(receiver.received).toHaveLength(1);
    const hook = receiver.received[0]!;
    expect(hook.path).toBe('/webhooks/mg/tracking');
    const body = JSON.parse(hook.body) as {
      signature: { timestamp: string; token: string; signature: string };
      'event-data': Record<string, unknown>;
    };
    // Mailgun's documented check: hex HMAC-SHA256(signing key, timestamp + token).
    const expected = createHmac('sha256', fake.webhookCredentials.signingKey)
      .update(body.signature.timestamp + body.signature.token)
      .digest('hex');
    expect(body.signature.signature).toBe(expected);
    expect(body['event-data']).toMatchObject({
      event: native,
      recipient: 'alice@example.com',
      tags: ['orders', 'eu'],
      'user-variables': { mailroomId: 'msg-1', plan: 'pro' },
      message: { headers: { 'message-id': '00000001.fake@mg.example.com' } },
    });
    expect(body['event-data'].severity).toBe(severity);
  });

  it('gives each webhook a fresh token, so a receiver refusing reused tokens accepts both', async () => {
    const sent = (await json(await fetch(url(), { method: 'POST', headers: auth(), body: fullForm() }))) as { id: string };
    for (let i = 0; i < 2; i++)
      await fetch(`${fake.baseUrl}/_fake/events`, { method: 'POST', body: JSON.stringify({ messageId: sent.id, event: 'opened' }) });
    const tokens = receiver.received.map((r) => (JSON.parse(r.body) as { signature: { token: string } }).signature.token);
    expect(new Set(tokens).size).toBe(2);
  });

  it('answers 404 for an unknown message and 400 for an unknown event', async () => {
    const r1 = await fetch(`${fake.baseUrl}/_fake/events`, {
      method: 'POST',
      body: JSON.stringify({ messageId: 'nope', event: 'delivered' }),
    });
    expect(r1.status).toBe(404);
    const r2 = await fetch(`${fake.baseUrl}/_fake/events`, {
      method: 'POST',
      body: JSON.stringify({ messageId: 'nope', event: 'exploded' }),
    });
    expect(r2.status).toBe(400);
    expect(receiver.received).toHaveLength(0);
  });
});

describe('Mailgun fake: X-Mailgun-Variables', () => {
  it('reads variables from the h:X-Mailgun-Variables JSON header as well as v: fields', async () => {
    const form = new URLSearchParams({
      from: 'a@mg.example.com',
      to: 'b@example.com',
      subject: 's',
      text: 't',
      'h:X-Mailgun-Variables': '{"mailroomId":"m-9","n":3}',
      'v:plan': 'pro',
    });
    expect((await fetch(url(), { method: 'POST', headers: auth(), body: form })).status).toBe(200);
    const [message] = (await json(await fetch(`${fake.baseUrl}/_fake/messages`))) as Array<{ metadata: Record<string, string> }>;
    expect(message!.metadata).toEqual({ mailroomId: 'm-9', n: '3', plan: 'pro' });
  });
});
