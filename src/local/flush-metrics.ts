/**
 * What the Lambda entries' `logMetrics` middleware does, for a handler the local pipeline
 * calls directly: publish the invocation's metrics when it returns or throws.
 */
import type { Metrics } from '@aws-lambda-powertools/metrics';

export function flushingMetrics<A extends unknown[], R>(
  metrics: Pick<Metrics, 'publishStoredMetrics'>,
  handler: (...args: A) => Promise<R>,
): (...args: A) => Promise<R> {
  return async (...args) => {
    try {
      return await handler(...args);
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}
