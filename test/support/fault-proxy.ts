/**
 * A TCP proxy in front of a local server (aws-ses-v2-local today; the HTTP provider fakes
 * next) that can drop a connection in the middle of a request, as a provider's load balancer
 * or a broken network does. Bytes pass through unchanged until a fault is armed; then the
 * next requests whose first line matches have only part of their bytes forwarded before both
 * sides are reset (TCP RST): the client sees ECONNRESET mid-request, and the server gets an
 * incomplete request it never acts on. Tests count what the server received to prove nothing
 * was lost or doubled.
 *
 * HTTP/1.1 only in the sense that a request is recognised by its request line at the start of
 * a chunk the client writes (Node's and the AWS SDK's clients write the head in one chunk).
 */
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';

export interface ResetFault {
  /** How many matching requests to cut. */
  readonly count: number;
  /** Which requests: tested against the request line, e.g. /^POST \/v2\/email\/outbound-emails/. @default any */
  readonly match?: RegExp;
  /** Bytes of the request forwarded before the reset. @default half of the first chunk */
  readonly forwardBytes?: number;
}

export interface FaultProxyStats {
  connections: number;
  requests: number;
  resets: number;
}

const REQUEST_LINE = /^[A-Z]+ \S+ HTTP\/1\.[01]\r\n/;

export class FaultProxy {
  readonly stats: FaultProxyStats = { connections: 0, requests: 0, resets: 0 };
  private readonly faults: { remaining: number; match?: RegExp; forwardBytes?: number }[] = [];
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  /** Listens on a free loopback port and forwards to `upstream` (http://host:port). */
  static async start(upstream: string): Promise<FaultProxy> {
    const target = new URL(upstream);
    let proxy: FaultProxy | undefined;
    const server = createServer((client) => proxy!.accept(client, target.hostname, Number(target.port)));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    proxy = new FaultProxy(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return proxy;
  }

  /** Arms a fault; faults apply in the order armed. */
  resetRequests(fault: ResetFault): void {
    this.faults.push({ remaining: fault.count, match: fault.match, forwardBytes: fault.forwardBytes });
  }

  /** Faults armed but not yet applied (a test waits for 0 before it judges the outcome). */
  get pendingResets(): number {
    return this.faults.reduce((n, f) => n + f.remaining, 0);
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket, host: string, port: number): void {
    this.stats.connections++;
    const upstream = connect(port, host);
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
      // A reset or a stopped server ends both sides; the error itself is the point.
      s.on('error', () => (s === client ? upstream : client).destroy());
    }
    upstream.pipe(client);
    client.on('data', (chunk: Buffer) => {
      const line = REQUEST_LINE.test(chunk.toString('latin1', 0, 256)) ? chunk.toString('latin1', 0, chunk.indexOf('\r\n')) : undefined;
      if (line !== undefined) this.stats.requests++;
      const fault = line === undefined ? undefined : this.faults.find((f) => f.remaining > 0 && (!f.match || f.match.test(line)));
      if (!fault) {
        upstream.write(chunk);
        return;
      }
      fault.remaining--;
      this.stats.resets++;
      const cut = Math.min(chunk.length - 1, fault.forwardBytes ?? Math.floor(chunk.length / 2));
      upstream.write(chunk.subarray(0, cut), () => {
        upstream.resetAndDestroy();
        client.resetAndDestroy();
      });
    });
    client.on('end', () => upstream.end());
  }
}
