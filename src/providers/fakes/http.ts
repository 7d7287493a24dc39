/**
 * A tiny node:http server for the provider fakes: reads the whole body, routes `/_fake/*` to
 * the control API and everything else to the fake's provider API, applying injected faults
 * to the provider API only. Bound to 127.0.0.1 on a free port unless a port is given.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Faults } from './faults.js';

export interface FakeRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface FakeResponse {
  readonly status: number;
  /** A string is sent as text/plain, anything else as JSON; undefined sends no body. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export type Handler = (req: FakeRequest) => FakeResponse | Promise<FakeResponse>;

export interface FakeServerOptions {
  readonly port?: number;
  readonly api: Handler;
  readonly control: Handler;
  readonly faults: Faults;
  /** The provider's own error response for an injected HTTP status. */
  readonly faultResponse: (status: number) => FakeResponse;
}

export interface FakeServer {
  readonly baseUrl: string;
  stop(): Promise<void>;
}

/** Bigger than every provider's own limit, so each fake can answer its documented 413. */
const MAX_BODY = 60 * 1024 * 1024;

export function send(res: ServerResponse, out: FakeResponse): void {
  const headers: Record<string, string> = { ...out.headers };
  let payload: string | undefined;
  if (typeof out.body === 'string') {
    payload = out.body;
    headers['content-type'] ??= 'text/plain; charset=utf-8';
  } else if (out.body !== undefined) {
    payload = JSON.stringify(out.body);
    headers['content-type'] ??= 'application/json; charset=utf-8';
  }
  res.writeHead(out.status, headers);
  res.end(payload);
}

export async function startFakeServer(opts: FakeServerOptions): Promise<FakeServer> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => {
      void (async () => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const request: FakeRequest = {
          method: req.method ?? 'GET',
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          body: Buffer.concat(chunks),
        };
        if (url.pathname.startsWith('/_fake/')) return send(res, await opts.control(request));
        const fault = opts.faults.take();
        if (fault?.delayMs) await sleep(fault.delayMs);
        if (fault?.status === 0) return void req.socket.destroy();
        if (fault?.status !== undefined) return send(res, opts.faultResponse(fault.status));
        if (size > MAX_BODY) return send(res, { status: 413, body: 'Request Entity Too Large' });
        send(res, await opts.api(request));
      })().catch((err: unknown) => {
        if (!res.headersSent) send(res, { status: 500, body: { message: String(err) } });
      });
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
