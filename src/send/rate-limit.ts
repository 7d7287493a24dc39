/**
 * In-handler send-rate limit, one token bucket per provider per Lambda instance.
 *
 * The account-wide rate is the product of two limits: the SQS event source's maximum
 * concurrency (how many instances run at once, set on the event source mapping) and this
 * per-instance rate (MAILROOM_MAX_SEND_RATE). With SES at 14 messages/s and a maximum
 * concurrency of 2, each instance sends at most 7/s and a burst of 10,000 messages drains in
 * about 12 minutes instead of being throttled. The bucket lives at module scope, so it spans
 * invocations of a warm instance.
 *
 * When the provider throttles anyway (another sender shares the account quota, or the quota
 * shrank), `onThrottle` halves the rate (at most once per second, as a burst of in-flight
 * calls tends to fail together) and doubles it back once per `recoverAfterMs` without
 * throttling, additive-increase style but in doublings, since quotas change in steps.
 */
export interface RateLimiterOptions {
  /** Sends per second this instance may make to one provider. */
  readonly ratePerSecond: number;
  /** Sends allowed back to back after an idle period. @default 1 (evenly spaced sends) */
  readonly burst?: number;
  /** Floor after repeated throttling. @default ratePerSecond / 16 */
  readonly minRatePerSecond?: number;
  /** Quiet time after which a reduced rate doubles back towards the configured one. @default 30000 */
  readonly recoverAfterMs?: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export type AcquireResult = { readonly ok: true; readonly waitedMs: number } | { readonly ok: false; readonly retryAfterMs: number };

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const MIN_THROTTLE_INTERVAL_MS = 1000;

export class TokenBucket {
  private readonly maxRate: number;
  private readonly minRate: number;
  private readonly burst: number;
  private readonly recoverAfterMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private rate: number;
  private tokens: number;
  private last: number;
  private reducedUntil = 0;
  private lastThrottleAt = Number.NEGATIVE_INFINITY;

  constructor(opts: RateLimiterOptions) {
    this.maxRate = opts.ratePerSecond;
    this.minRate = Math.min(opts.minRatePerSecond ?? opts.ratePerSecond / 16, opts.ratePerSecond);
    this.burst = Math.max(1, opts.burst ?? 1);
    this.recoverAfterMs = opts.recoverAfterMs ?? 30_000;
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? defaultSleep;
    this.rate = this.maxRate;
    this.tokens = this.burst;
    this.last = this.now();
  }

  /** The rate currently enforced (below the configured one after throttling). */
  get ratePerSecond(): number {
    this.refill(this.now());
    return this.rate;
  }

  /**
   * Takes one send slot, waiting for it when needed. If the slot is more than `maxWaitMs`
   * away nothing is taken and the caller learns when to come back (the send handler then
   * puts the message back on the queue instead of outwaiting its own deadline).
   */
  async acquire(maxWaitMs = Number.POSITIVE_INFINITY): Promise<AcquireResult> {
    this.refill(this.now());
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true, waitedMs: 0 };
    }
    const waitMs = Math.ceil(((1 - this.tokens) * 1000) / this.rate);
    if (waitMs > maxWaitMs) return { ok: false, retryAfterMs: waitMs };
    // Reserve now (tokens go negative), so concurrent callers queue up behind this one.
    this.tokens -= 1;
    await this.sleep(waitMs);
    return { ok: true, waitedMs: waitMs };
  }

  /** The provider said "too fast": halve the rate and drop any saved-up burst. */
  onThrottle(): void {
    const now = this.now();
    this.refill(now);
    this.tokens = Math.min(this.tokens, 0);
    this.reducedUntil = now + this.recoverAfterMs;
    if (now - this.lastThrottleAt < MIN_THROTTLE_INTERVAL_MS) return;
    this.lastThrottleAt = now;
    this.rate = Math.max(this.minRate, this.rate / 2);
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.last);
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.rate) / 1000);
    this.last = now;
    if (this.rate < this.maxRate && now >= this.reducedUntil) {
      const periods = 1 + Math.floor((now - this.reducedUntil) / this.recoverAfterMs);
      this.rate = Math.min(this.maxRate, this.rate * 2 ** periods);
      this.reducedUntil = now + this.recoverAfterMs;
    }
  }
}

/** One bucket per provider name, created on first use with the same options. */
export class RateLimiters {
  private readonly buckets = new Map<string, TokenBucket>();
  constructor(private readonly opts: RateLimiterOptions) {}

  for(provider: string): TokenBucket {
    let bucket = this.buckets.get(provider);
    if (!bucket) {
      bucket = new TokenBucket(this.opts);
      this.buckets.set(provider, bucket);
    }
    return bucket;
  }
}
