import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RateLimiters, TokenBucket } from '../../../src/send/rate-limit.js';

// Fake timers drive both the clock (Date.now) and the waits (setTimeout): no wall-clock timing.
beforeEach(() => {
  vi.useFakeTimers({ now: Date.parse('2030-01-01T00:00:00Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Starts `n` acquires at once and records, per acquire, the fake time at which it got its slot. */
function acquireAll(bucket: TokenBucket, n: number, maxWaitMs?: number) {
  const start = Date.now();
  const grantedAt: (number | undefined)[] = Array.from({ length: n }, () => undefined);
  const done = Array.from({ length: n }, (_, i) =>
    bucket.acquire(maxWaitMs).then((r) => {
      if (r.ok) grantedAt[i] = Date.now() - start;
      return r;
    }),
  );
  return { grantedAt, done: Promise.all(done) };
}

describe('TokenBucket', () => {
  it('spaces sends evenly at the configured rate', async () => {
    const bucket = new TokenBucket({ ratePerSecond: 4 });
    const { grantedAt, done } = acquireAll(bucket, 5);
    await vi.advanceTimersByTimeAsync(1000);
    await done;
    expect(grantedAt).toEqual([0, 250, 500, 750, 1000]);
  });

  it('allows a burst after an idle period, then the steady rate', async () => {
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 3 });
    await vi.advanceTimersByTimeAsync(5000);
    const { grantedAt, done } = acquireAll(bucket, 5);
    await vi.advanceTimersByTimeAsync(1000);
    await done;
    expect(grantedAt).toEqual([0, 0, 0, 100, 200]);
  });

  it('does not wait past maxWaitMs: it takes nothing and says when a slot frees up', async () => {
    const bucket = new TokenBucket({ ratePerSecond: 1 });
    expect(await bucket.acquire(0)).toEqual({ ok: true, waitedMs: 0 });
    expect(await bucket.acquire(500)).toEqual({ ok: false, retryAfterMs: 1000 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(await bucket.acquire(0)).toEqual({ ok: true, waitedMs: 0 });
  });

  it('halves the rate on throttling (once per burst of throttles) and recovers by doubling after quiet periods', async () => {
    const bucket = new TokenBucket({ ratePerSecond: 8, recoverAfterMs: 30_000 });
    bucket.onThrottle();
    bucket.onThrottle(); // same burst: in-flight calls failing together count once
    expect(bucket.ratePerSecond).toBe(4);
    await vi.advanceTimersByTimeAsync(1000);
    bucket.onThrottle();
    expect(bucket.ratePerSecond).toBe(2);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(bucket.ratePerSecond).toBe(4);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(bucket.ratePerSecond).toBe(8);
    await vi.advanceTimersByTimeAsync(300_000);
    expect(bucket.ratePerSecond).toBe(8);
  });

  it('never goes below the floor, however often it is throttled', async () => {
    const bucket = new TokenBucket({ ratePerSecond: 16, minRatePerSecond: 2 });
    for (let i = 0; i < 20; i++) {
      bucket.onThrottle();
      await vi.advanceTimersByTimeAsync(1000);
    }
    expect(bucket.ratePerSecond).toBe(2);
  });

  it('makes the next send wait after a throttle (no saved-up burst)', async () => {
    const bucket = new TokenBucket({ ratePerSecond: 2, burst: 5 });
    await vi.advanceTimersByTimeAsync(10_000);
    bucket.onThrottle();
    const { grantedAt, done } = acquireAll(bucket, 2);
    await vi.advanceTimersByTimeAsync(3000);
    await done;
    expect(grantedAt).toEqual([1000, 2000]);
  });
});

describe('RateLimiters', () => {
  it('keeps one bucket per provider', async () => {
    const limiters = new RateLimiters({ ratePerSecond: 1 });
    expect(limiters.for('ses')).toBe(limiters.for('ses'));
    limiters.for('ses').onThrottle();
    expect(limiters.for('ses').ratePerSecond).toBe(0.5);
    expect(limiters.for('sns').ratePerSecond).toBe(1);
  });
});
