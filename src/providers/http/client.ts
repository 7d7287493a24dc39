/**
 * The HTTP client every HTTP adapter shares (Mailgun, SendGrid, Postmark, Resend, Twilio,
 * Vonage, Africa's Talking…): Node's own http/https with a keep-alive agent per client, a
 * per-attempt timeout through an AbortSignal, and bounded retries only where a retry cannot
 * send a message twice.
 *
 * Why node:http and not fetch: the failover question is "did the provider possibly get the
 * request?", and node:http tells us whether the request was completely written ('finish')
 * before a failure, and lets each client own its keep-alive agent without adding undici to
 * every bundle. Bodies are sent whole with a Content-Length, so a failure before 'finish'
 * means the provider never had a complete request: surely not accepted.
 *
 * Non-2xx answers throw HttpStatusError (redirects are not followed), transport failures
 * HttpTransportError; the base flow translates both (../translate.ts).
 */
import http from 'node:http';
import https from 'node:https';
import type { HttpBody } from './body.js';
import { HttpStatusError, HttpTransportError } from './errors.js';
import { parseRetryAfter } from './retry-after.js';

export interface HttpClientOptions {
  /** Per attempt, from the request's start to the end of the response body. @default 10000 */
  readonly timeoutMs?: number;
  /** Extra attempts for failures a retry cannot duplicate (see `request`). @default 2 */
  readonly maxRetries?: number;
  /** First retry delay; doubles each time, with full jitter. @default 100 */
  readonly retryBaseDelayMs?: number;
  /** Idle keep-alive sockets are closed after this, below common server idle timeouts (5 s). @default 4000 */
  readonly keepAliveMs?: number;
  /** @default 50 */
  readonly maxSockets?: number;
  /** Responses larger than this fail (a provider API answers in kilobytes). @default 1 MiB */
  readonly maxResponseBytes?: number;
  readonly userAgent?: string;
  /** For tests. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly now?: () => Date;
}

export interface HttpRequest {
  readonly method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly url: string | URL;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: HttpBody;
  /** Overrides the client's timeout for this request. */
  readonly timeoutMs?: number;
  /** The caller's own cancellation (e.g. the Lambda's remaining time). Never retried. */
  readonly signal?: AbortSignal;
  /**
   * An idempotency key the provider honours (Resend, Stripe-style `Idempotency-Key`): sent
   * as that header, and it makes ambiguous failures (timeout, reset after writing) safe to
   * retry, because the provider answers a repeat with the first outcome.
   */
  readonly idempotencyKey?: { readonly header?: string; readonly value: string };
}

export interface HttpResponse {
  readonly status: number;
  /** Lower-cased names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  readonly text: string;
  /** The body parsed as JSON when it is JSON, else undefined. */
  readonly body: unknown;
}

const SAFE_METHODS = new Set(['GET', 'HEAD']);

export class HttpClient {
  private readonly http: http.Agent;
  private readonly https: https.Agent;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly retryBaseDelayMs: number;
  private readonly maxResponseBytes: number;
  private readonly userAgent: string;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => Date;

  constructor(opts: HttpClientOptions = {}) {
    const agentOptions = { keepAlive: true, maxSockets: opts.maxSockets ?? 50, timeout: opts.keepAliveMs ?? 4000 };
    this.http = new http.Agent(agentOptions);
    this.https = new https.Agent(agentOptions);
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.maxRetries = opts.maxRetries ?? 2;
    this.retryBaseDelayMs = opts.retryBaseDelayMs ?? 100;
    this.maxResponseBytes = opts.maxResponseBytes ?? 1024 * 1024;
    this.userAgent = opts.userAgent ?? 'mailroom';
    this.sleep = opts.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = opts.random ?? Math.random;
    this.now = opts.now ?? (() => new Date());
  }

  /**
   * One request, retried at most `maxRetries` times, and only when the failure cannot have
   * delivered it: nothing was written (connection refused, DNS, connect timeout), or the
   * method is GET/HEAD, or the request carries an idempotency key. An HTTP answer (even 429
   * or 503) is never retried here: it is the provider's word, for the pipeline's backoff and
   * the circuit to act on.
   */
  async request(req: HttpRequest): Promise<HttpResponse> {
    const url = typeof req.url === 'string' ? new URL(req.url) : req.url;
    const repeatable = SAFE_METHODS.has(req.method) || req.idempotencyKey !== undefined;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(req, url, attempt);
      } catch (error) {
        const safe = error instanceof HttpTransportError && !req.signal?.aborted && (!error.sent || repeatable);
        if (!safe || attempt > this.maxRetries) throw error;
        await this.sleep(Math.floor(this.random() * this.retryBaseDelayMs * 2 ** (attempt - 1)));
      }
    }
  }

  /** Closes idle keep-alive sockets (tests, shutdown). */
  close(): void {
    this.http.destroy();
    this.https.destroy();
  }

  private once(req: HttpRequest, url: URL, attempt: number): Promise<HttpResponse> {
    const target = `${url.origin}${url.pathname}`;
    const timeout = AbortSignal.timeout(req.timeoutMs ?? this.timeoutMs);
    const signal = req.signal ? AbortSignal.any([timeout, req.signal]) : timeout;
    const headers: Record<string, string> = { 'user-agent': this.userAgent, accept: 'application/json', ...req.headers };
    if (req.body) {
      headers['content-type'] = req.body.contentType;
      headers['content-length'] = String(req.body.data.length);
    }
    if (req.idempotencyKey) headers[req.idempotencyKey.header ?? 'Idempotency-Key'] = req.idempotencyKey.value;
    const lib = url.protocol === 'https:' ? https : http;
    return new Promise<HttpResponse>((resolve, reject) => {
      let sent = false;
      let settled = false;
      const fail = (error: unknown, code?: string) => {
        if (settled) return;
        settled = true;
        request.destroy();
        reject(new HttpTransportError(req.method, target, code ?? systemCode(error), sent, timeout.aborted, attempt, { cause: error }));
      };
      const request = lib.request(
        url,
        { method: req.method, headers, agent: url.protocol === 'https:' ? this.https : this.http, signal },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > this.maxResponseBytes) fail(new RangeError(`response over ${this.maxResponseBytes} bytes`), 'RESPONSE_TOO_LARGE');
            else chunks.push(chunk);
          });
          res.on('error', (error) => fail(error));
          // A connection closed before the body's end ("aborted"): what was sent may have been acted on.
          res.on('close', () => (res.complete ? undefined : fail(new Error('response aborted'), 'ECONNRESET')));
          res.on('end', () => {
            if (settled) return;
            settled = true;
            const response = toResponse(res, Buffer.concat(chunks));
            if (response.status >= 200 && response.status < 300) return resolve(response);
            reject(
              new HttpStatusError(
                req.method,
                target,
                response.status,
                response.headers,
                response.text.slice(0, 65_536),
                response.body,
                parseRetryAfter(response.headers['retry-after'], this.now()),
              ),
            );
          });
        },
      );
      request.on('finish', () => {
        sent = true;
      });
      request.on('error', (error) => fail(error));
      request.end(req.body?.data);
    });
  }
}

function systemCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'ABORT_ERR') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function toResponse(res: http.IncomingMessage, data: Buffer): HttpResponse {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers))
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  const text = data.toString('utf8');
  return {
    status: res.statusCode ?? 0,
    headers,
    text,
    body: /\bjson\b/i.test(headers['content-type'] ?? '') ? parseJson(text) : undefined,
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
