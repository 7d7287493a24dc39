/**
 * The shared HTTP client against a real HTTP server on 127.0.0.1 started here (and closed
 * afterwards): bodies, keep-alive, error statuses with bodies and Retry-After, connection
 * refused, a connection reset mid-response, a timeout, and which of those it retries.
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { formBody, jsonBody, multipartBody } from '../../../src/providers/http/body.js';
import { HttpClient } from '../../../src/providers/http/client.js';
import { HttpStatusError, HttpTransportError } from '../../../src/providers/http/errors.js';
import { parseRetryAfter } from '../../../src/providers/http/retry-after.js';
import { translateProviderError } from '../../../src/providers/translate.js';

interface Seen {
  readonly method: string;
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
  readonly remotePort: number;
}

let server: http.Server;
let base: string;
const seen: Seen[] = [];
/** What the next request to a path gets; `reset-once` resets the first and answers the next. */
const routes: Record<string, (req: http.IncomingMessage, res: http.ServerResponse, count: number) => void> = {
  '/echo': (_req, res) => {
    const last = seen.at(-1)!;
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ id: 'msg-1', contentType: last.headers['content-type'], length: last.body.length }));
  },
  '/invalid': (_req, res) =>
    res
      .writeHead(400, { 'content-type': 'application/json' })
      .end(JSON.stringify({ code: 21211, message: "The 'To' number is not valid" })),
  '/unavailable': (_req, res) => res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '30' }).end('down for maintenance'),
  '/throttled': (_req, res) =>
    res
      .writeHead(429, { 'content-type': 'application/json', 'retry-after': new Date(Date.now() + 120_000).toUTCString() })
      .end('{"message":"slow down"}'),
  '/broken': (_req, res) => res.writeHead(500, { 'content-type': 'application/json' }).end('{not json'),
  '/redirect': (_req, res) => res.writeHead(301, { location: 'https://elsewhere.example/' }).end(),
  '/reset-mid-response': (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
    res.write('{"id":"msg-');
    setTimeout(() => req.socket.destroy(), 20);
  },
  '/reset-once': (req, res, count) => {
    if (count === 1) req.socket.destroy();
    else res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"msg-2"}');
  },
  '/hang': () => undefined,
};
const counts = new Map<string, number>();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url!, 'http://x').pathname;
      seen.push({ method: req.method!, path, headers: req.headers, body: Buffer.concat(chunks), remotePort: req.socket.remotePort! });
      const count = (counts.get(path) ?? 0) + 1;
      counts.set(path, count);
      (routes[path] ?? ((_q, s) => s.writeHead(404).end()))(req, res, count);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
});

beforeEach(() => {
  seen.length = 0;
  counts.clear();
});

const noSleep = { sleep: async () => undefined };

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the request to fail');
}

describe('HttpClient success and bodies', () => {
  it('posts JSON, parses the JSON answer and reuses the keep-alive connection', async () => {
    const client = new HttpClient();
    try {
      const first = await client.request({
        method: 'POST',
        url: `${base}/echo`,
        body: jsonBody({ to: '+15555550100' }),
        headers: { authorization: 'Bearer k' },
      });
      const second = await client.request({ method: 'POST', url: `${base}/echo`, body: jsonBody({}) });
      expect(first).toMatchObject({ status: 200, body: { id: 'msg-1', contentType: 'application/json', length: 21 } });
      expect(second.status).toBe(200);
      expect(JSON.parse(seen[0]!.body.toString())).toEqual({ to: '+15555550100' });
      expect(seen[0]!.headers).toMatchObject({ authorization: 'Bearer k', 'content-length': '21', 'user-agent': 'mailroom' });
      expect(seen[1]!.remotePort).toBe(seen[0]!.remotePort);
    } finally {
      client.close();
    }
  });

  it('sends form fields with repeated keys and multipart files as a server parses them', async () => {
    const client = new HttpClient();
    try {
      await client.request({
        method: 'POST',
        url: `${base}/echo`,
        body: formBody({ To: '+15555550100', MediaUrl: ['https://a/1.png', 'https://a/2.png'], Skip: undefined }),
      });
      const form = new URLSearchParams(seen[0]!.body.toString());
      expect(form.get('To')).toBe('+15555550100');
      expect(form.getAll('MediaUrl')).toEqual(['https://a/1.png', 'https://a/2.png']);
      expect(form.has('Skip')).toBe(false);

      const body = await multipartBody({
        to: ['a@example.com', 'b@example.com'],
        attachment: { filename: 'hi.txt', contentType: 'text/plain', data: Buffer.from('hello') },
      });
      await client.request({ method: 'POST', url: `${base}/echo`, body });
      const parsed = await new Response(seen[1]!.body, {
        headers: { 'content-type': String(seen[1]!.headers['content-type']) },
      }).formData();
      expect(parsed.getAll('to')).toEqual(['a@example.com', 'b@example.com']);
      const file = parsed.get('attachment') as File;
      expect([file.name, file.type, await file.text()]).toEqual(['hi.txt', 'text/plain', 'hello']);
    } finally {
      client.close();
    }
  });
});

describe("HttpClient error answers (never retried: they are the provider's word)", () => {
  const client = new HttpClient(noSleep);
  afterAll(() => client.close());

  it('a 4xx with a provider code in a JSON body', async () => {
    const error = await failure(client.request({ method: 'POST', url: `${base}/invalid?AccountSid=secret`, body: jsonBody({}) }));
    expect(error).toBeInstanceOf(HttpStatusError);
    expect(error).toMatchObject({ status: 400, body: { code: 21211 } });
    expect((error as Error).message).not.toContain('secret');
    expect(translateProviderError(error, 'twilio')).toMatchObject({
      code: 'bad_request',
      retryable: false,
      accepted: 'no',
      providerCode: '21211',
      statusCode: 400,
    });
    expect(counts.get('/invalid')).toBe(1);
  });

  it('a 503 with Retry-After in seconds', async () => {
    const error = await failure(client.request({ method: 'POST', url: `${base}/unavailable`, body: jsonBody({}) }));
    expect(error).toMatchObject({ status: 503, bodyText: 'down for maintenance', retryAfterSeconds: 30 });
    expect(translateProviderError(error, 'acme')).toMatchObject({
      code: 'unavailable',
      retryable: true,
      accepted: 'no',
      retryAfterSeconds: 30,
    });
    expect(counts.get('/unavailable')).toBe(1);
  });

  it('a 429 with Retry-After as an HTTP-date', async () => {
    const error = await failure(client.request({ method: 'POST', url: `${base}/throttled`, body: jsonBody({}) }));
    expect((error as HttpStatusError).retryAfterSeconds).toBeGreaterThanOrEqual(118);
    expect((error as HttpStatusError).retryAfterSeconds).toBeLessThanOrEqual(121);
    expect(translateProviderError(error, 'acme')).toMatchObject({ code: 'throttled', throttled: true, accepted: 'no' });
  });

  it('a 500 whose body is not JSON, and a redirect that is not followed', async () => {
    const broken = await failure(client.request({ method: 'POST', url: `${base}/broken`, body: jsonBody({}) }));
    expect(broken).toMatchObject({ status: 500, bodyText: '{not json', body: undefined });
    expect(translateProviderError(broken, 'acme')).toMatchObject({ code: 'provider_error', retryable: true, accepted: 'maybe' });
    const redirect = await failure(client.request({ method: 'POST', url: `${base}/redirect`, body: jsonBody({}) }));
    expect(translateProviderError(redirect, 'acme')).toMatchObject({ code: 'unexpected_redirect', retryable: false });
    expect(seen.map((s) => s.path)).toEqual(['/broken', '/redirect']);
  });
});

describe('HttpClient transport failures', () => {
  it('connection refused: nothing was sent, so it retries (bounded) and says accepted no', async () => {
    const closed = http.createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    await once(closed, 'close');
    const delays: number[] = [];
    const client = new HttpClient({ maxRetries: 2, sleep: async (ms) => void delays.push(ms), random: () => 0.5 });
    try {
      const error = await failure(client.request({ method: 'POST', url: `http://127.0.0.1:${port}/send`, body: jsonBody({}) }));
      expect(error).toBeInstanceOf(HttpTransportError);
      expect(error).toMatchObject({ code: 'ECONNREFUSED', sent: false, timedOut: false, attempts: 3 });
      expect(delays).toEqual([50, 100]);
      expect(translateProviderError(error, 'acme')).toMatchObject({ code: 'network', retryable: true, accepted: 'no' });
    } finally {
      client.close();
    }
  });

  it('a reset mid-response after the request was written: maybe accepted, not retried without a key', async () => {
    const client = new HttpClient(noSleep);
    try {
      const error = await failure(client.request({ method: 'POST', url: `${base}/reset-mid-response`, body: jsonBody({ n: 1 }) }));
      expect(error).toMatchObject({ sent: true, timedOut: false, attempts: 1 });
      expect(translateProviderError(error, 'acme')).toMatchObject({ code: 'network', retryable: true, accepted: 'maybe' });
      expect(counts.get('/reset-mid-response')).toBe(1);
    } finally {
      client.close();
    }
  });

  it('a socket hang up before any answer: retried only with an idempotency key', async () => {
    const client = new HttpClient(noSleep);
    try {
      const error = await failure(client.request({ method: 'POST', url: `${base}/reset-once`, body: jsonBody({}) }));
      expect(error).toMatchObject({ code: 'ECONNRESET', sent: true, attempts: 1 });
      counts.clear();
      const ok = await client.request({
        method: 'POST',
        url: `${base}/reset-once`,
        body: jsonBody({}),
        idempotencyKey: { value: 'msg-2' },
      });
      expect(ok.body).toEqual({ id: 'msg-2' });
      expect(counts.get('/reset-once')).toBe(2);
      expect(seen.slice(-2).map((s) => s.headers['idempotency-key'])).toEqual(['msg-2', 'msg-2']);
    } finally {
      client.close();
    }
  });

  it('a timeout after the request was written is ambiguous and not retried', async () => {
    const client = new HttpClient({ ...noSleep, timeoutMs: 150 });
    try {
      const started = Date.now();
      const error = await failure(client.request({ method: 'POST', url: `${base}/hang`, body: jsonBody({}) }));
      expect(Date.now() - started).toBeLessThan(2000);
      expect(error).toMatchObject({ sent: true, timedOut: true, attempts: 1 });
      expect(translateProviderError(error, 'acme')).toMatchObject({ code: 'timeout', retryable: true, accepted: 'maybe' });
      expect(counts.get('/hang')).toBe(1);
    } finally {
      client.close();
    }
  });
});

describe('parseRetryAfter', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  it.each([
    ['120', 120],
    [' 0 ', 0],
    ['Thu, 01 Jan 2026 00:01:30 GMT', 90],
    ['Wed, 31 Dec 2025 23:00:00 GMT', 0],
    ['-5', undefined],
    ['1.5', undefined],
    ['soon', undefined],
    [undefined, undefined],
  ] as const)('%s → %s', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});
