import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Faults } from '../../../../src/providers/fakes/faults.js';
import { FAKES } from '../../../../src/providers/fakes/index.js';
import { startResendFake } from '../../../../src/providers/kinds/resend/fake.js';
import { json, postJson } from './support.js';

describe('Faults (unit, fake clock)', () => {
  it('applies a seconds window and then clears itself', () => {
    let now = 1_000_000;
    const faults = new Faults(() => now);
    faults.set({ status: 503, seconds: 30 });
    expect(faults.take()).toEqual({ status: 503, delayMs: 0 });
    now += 29_999;
    expect(faults.take()?.status).toBe(503);
    now += 1;
    expect(faults.take()).toBeUndefined();
    expect(faults.take()).toBeUndefined();
  });

  it('counts down `count`, and without count or seconds lasts until cleared', () => {
    const faults = new Faults(() => 0);
    faults.set({ status: 429, count: 2 });
    expect([faults.take()?.status, faults.take()?.status, faults.take()]).toEqual([429, 429, undefined]);
    faults.set({ status: 500 });
    for (let i = 0; i < 5; i++) expect(faults.take()?.status).toBe(500);
    faults.clear();
    expect(faults.take()).toBeUndefined();
  });

  it('treats a delay without status (or status 200) as a slow but successful request', () => {
    const faults = new Faults(() => 0);
    faults.set({ delayMs: 50, status: 200, count: 1 });
    expect(faults.take()).toEqual({ status: undefined, delayMs: 50 });
  });
});

// The control API is shared machinery; it is exercised here through the Resend fake.
describe('_fake/faults over HTTP', () => {
  let fake: Awaited<ReturnType<typeof startResendFake>>;
  beforeEach(async () => {
    fake = await startResendFake({ instance: 'resend', credentials: { apiKey: 're_k' } });
  });
  afterEach(async () => fake.stop());

  const send = () =>
    postJson(
      `${fake.baseUrl}/emails`,
      { from: 'a@example.com', to: 'b@example.com', subject: 's', text: 't' },
      { authorization: 'Bearer re_k' },
    );

  it('answers the next `count` requests with the status in the provider error format, then recovers', async () => {
    expect((await postJson(`${fake.baseUrl}/_fake/faults`, { status: 429, count: 2 })).status).toBe(200);
    const r1 = await send();
    const r2 = await send();
    const r3 = await send();
    expect([r1.status, r2.status, r3.status]).toEqual([429, 429, 200]);
    expect(await json(r1)).toEqual({
      statusCode: 429,
      name: 'rate_limit_exceeded',
      message: 'Too many requests. Please limit the number of requests per second.',
    });
    // Only the accepted request is in the log.
    expect(((await json(await fetch(`${fake.baseUrl}/_fake/messages`))) as unknown[]).length).toBe(1);
  });

  it('answers every request within `seconds`, and DELETE clears it early', async () => {
    await postJson(`${fake.baseUrl}/_fake/faults`, { status: 503, seconds: 60 });
    expect((await send()).status).toBe(503);
    expect((await send()).status).toBe(503);
    expect((await fetch(`${fake.baseUrl}/_fake/faults`, { method: 'DELETE' })).status).toBe(204);
    expect((await send()).status).toBe(200);
  });

  it('closes the connection without a response for status 0', async () => {
    await postJson(`${fake.baseUrl}/_fake/faults`, { status: 0, count: 1 });
    await expect(send()).rejects.toThrow();
    expect((await send()).status).toBe(200);
  });

  it('hangs delayMs before answering', async () => {
    await postJson(`${fake.baseUrl}/_fake/faults`, { delayMs: 300, count: 1 });
    const started = Date.now();
    const res = await send();
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('lets a client time out on a long delay (the request stays unanswered)', async () => {
    await postJson(`${fake.baseUrl}/_fake/faults`, { status: 500, delayMs: 5_000, count: 1 });
    await expect(
      fetch(`${fake.baseUrl}/emails`, {
        method: 'POST',
        signal: AbortSignal.timeout(200),
        headers: { authorization: 'Bearer re_k' },
        body: '{}',
      }),
    ).rejects.toThrow();
  });

  it('refuses a fault without status or delayMs', async () => {
    const res = await postJson(`${fake.baseUrl}/_fake/faults`, { count: 1 });
    expect(res.status).toBe(400);
  });
});

describe('injected statuses use each provider error format', () => {
  const cases = [
    ['mailgun', '/v3/mg.example.com/messages', { message: 'Too Many Requests' }],
    ['sendgrid', '/v3/mail/send', { errors: [{ message: 'too many requests', field: null, help: null }] }],
    ['postmark', '/email', { ErrorCode: 429, Message: 'Rate limit exceeded.' }],
    [
      'resend',
      '/emails',
      { statusCode: 429, name: 'rate_limit_exceeded', message: 'Too many requests. Please limit the number of requests per second.' },
    ],
  ] as const;

  it.each(cases)('%s answers an injected 429 in its own shape', async (kind, path, body) => {
    const fake = await FAKES[kind]({ instance: kind });
    try {
      await postJson(`${fake.baseUrl}/_fake/faults`, { status: 429, count: 1 });
      const res = await fetch(`${fake.baseUrl}${path}`, { method: 'POST', body: '{}' });
      expect(res.status).toBe(429);
      expect(await json(res)).toEqual(body);
    } finally {
      await fake.stop();
    }
  });
});
