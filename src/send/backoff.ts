/**
 * Exponential backoff with full jitter (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/):
 * the n-th retry waits a uniform random time up to min(max, base · 2^(n-1)), so a burst of
 * failures spreads out instead of coming back in lock-step. Whole seconds, because that is what
 * SQS ChangeMessageVisibility and DelaySeconds take, with a floor of 1 s (0 would redeliver at
 * once, before anything could have changed).
 */
export interface BackoffConfig {
  readonly baseSeconds: number;
  readonly maxSeconds: number;
}

/** Longest visibility timeout SQS accepts: 12 hours, counted from the receive
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ChangeMessageVisibility.html).
 * We stay 10 minutes short of it: the event source may hold a batch up to 5 minutes
 * (MaximumBatchingWindowInSeconds) before invoking us, and the handler itself takes time. */
export const MAX_VISIBILITY_SECONDS = 12 * 60 * 60 - 10 * 60;

/** Longest DelaySeconds of SendMessage: 15 minutes
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html). */
export const MAX_DELAY_SECONDS = 15 * 60;

/** The cap for retry n (1-based): min(max, base · 2^(n-1)), at least 1 s. */
export function backoffCap(retry: number, { baseSeconds, maxSeconds }: BackoffConfig): number {
  const exponent = Math.min(Math.max(retry, 1) - 1, 30);
  return Math.max(1, Math.min(maxSeconds, baseSeconds * 2 ** exponent));
}

/** Seconds to wait before retry n: uniform in [1, cap] (full jitter, 1 s floor). */
export function backoffSeconds(retry: number, config: BackoffConfig, random: () => number = Math.random): number {
  const cap = backoffCap(retry, config);
  return Math.min(cap, 1 + Math.floor(random() * cap));
}
