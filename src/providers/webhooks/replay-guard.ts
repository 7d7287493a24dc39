/**
 * In-memory replay guard: bounded, for one process (tests, `npm start`, a single warm Lambda).
 * Deployed, Lambda instances do not share memory, so the webhook Lambda uses DynamoReplayGuard
 * (src/store/replay-guard.ts), a conditional put on the token with a TTL.
 */
import type { ReplayGuard } from './types.js';

export class MemoryReplayGuard implements ReplayGuard {
  // Insertion order is expiry order only when every ttl is the same; entries are also checked
  // on read, so a mixed ttl never lets an expired key count as seen.
  private readonly entries = new Map<string, number>();

  constructor(
    private readonly clock: () => number = Date.now,
    /** At most this many keys; the oldest go first when full. */
    private readonly maxEntries = 10_000,
  ) {}

  async seen(key: string, ttlSeconds: number): Promise<boolean> {
    const now = this.clock();
    const expires = this.entries.get(key);
    if (expires !== undefined && expires > now) return true;
    this.entries.delete(key);
    this.evict(now);
    this.entries.set(key, now + ttlSeconds * 1000);
    return false;
  }

  get size(): number {
    return this.entries.size;
  }

  private evict(now: number): void {
    for (const [key, expires] of this.entries) {
      if (this.entries.size < this.maxEntries && expires > now) break;
      this.entries.delete(key);
    }
  }
}
