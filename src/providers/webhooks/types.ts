/** Shapes shared by every provider webhook verifier and normalizer. */
import type { NormalizedEvent } from '../../contract/records.js';

/** One HTTP request as the route received it; `rawBody` is the exact bytes that were signed. */
export interface WebhookRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly rawBody: Buffer;
}

/**
 * Remembers delivery tokens for replay protection. `seen` records `key` for `ttlSeconds` and
 * resolves true when it was already recorded (a replay), false the first time. Implementations:
 * MemoryReplayGuard (./replay-guard.ts, one Lambda instance) and DynamoReplayGuard
 * (src/store/replay-guard.ts, a conditional put shared by every instance: the deployed one).
 */
export interface ReplayGuard {
  seen(key: string, ttlSeconds: number): Promise<boolean>;
}

/** What normalizers get besides the payload: no clock, no I/O. */
export interface WebhookContext {
  /** The provider instance name (docs/contract.md §7): `provider` of every event, prefix of inbound ids. */
  readonly instance: string;
  /** When Mailroom received the request, ISO-8601 UTC. */
  readonly receivedAt: string;
}

export type TrackingNormalizer<P> = (payload: P, ctx: WebhookContext) => NormalizedEvent[];

/** The header's first value, looked up case-insensitively. */
export function headerOf(request: Pick<WebhookRequest, 'headers'>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const key of Object.keys(request.headers)) {
    if (key.toLowerCase() !== wanted) continue;
    const v = request.headers[key];
    return typeof v === 'string' ? v : v?.[0];
  }
  return undefined;
}
