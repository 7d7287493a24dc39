/**
 * Sends per destination range in a sliding window, in memory: the counter behind the SMS
 * pumping hold (./sms.ts). Per Lambda instance, like the send-rate token bucket
 * (src/send/rate-limit.ts): the stack divides the configured limit by the event source's
 * maximum concurrency, so the account-wide figure holds however the messages spread.
 *
 * A range's log keeps at most `limit` timestamps; ranges are bounded (`maxRanges`, least
 * recently used out first), so a flood of distinct ranges cannot grow memory without bound.
 */
export interface DestinationWindowOptions {
  /** Sends allowed per range within the window. */
  readonly limit: number;
  readonly windowMs: number;
  /** Ranges tracked at once. @default 10000 */
  readonly maxRanges?: number;
}

export class DestinationWindow {
  private readonly ranges = new Map<string, number[]>();
  private readonly maxRanges: number;

  constructor(private readonly opts: DestinationWindowOptions) {
    this.maxRanges = opts.maxRanges ?? 10_000;
  }

  /** Counts a send to `range` at `now` and returns 0, or returns how long until there is room (nothing counted). */
  take(range: string, now: number): number {
    const since = now - this.opts.windowMs;
    const log = (this.ranges.get(range) ?? []).filter((t) => t > since);
    this.ranges.delete(range);
    if (log.length >= this.opts.limit) {
      this.ranges.set(range, log);
      return Math.max(1, log[0]! + this.opts.windowMs - now);
    }
    log.push(now);
    this.ranges.set(range, log);
    while (this.ranges.size > this.maxRanges) this.ranges.delete(this.ranges.keys().next().value as string);
    return 0;
  }
}
