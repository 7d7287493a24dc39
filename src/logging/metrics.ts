/**
 * The Powertools Metrics every handler counts with. The namespace comes from the function's
 * environment: POWERTOOLS_METRICS_NAMESPACE, which the stack sets on every function from the
 * deployment configuration (lib/defaults.ts); this is the only place that reads it.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { MetricsOptions as PowertoolsMetricsOptions } from '@aws-lambda-powertools/metrics/types';

/** The namespace when none is configured: the config default, and what a handler uses when its environment names none (tests). */
export const DEFAULT_METRICS_NAMESPACE = 'Mailroom';

export function metricsNamespace(env: NodeJS.ProcessEnv): string {
  return env.POWERTOOLS_METRICS_NAMESPACE || DEFAULT_METRICS_NAMESPACE;
}

export interface MetricsOptions {
  /** Where the namespace is read from. */
  readonly env: NodeJS.ProcessEnv;
  /** Where the EMF lines go. @default stdout, as in Lambda */
  readonly logger?: PowertoolsMetricsOptions['logger'];
}

export function createMetrics(serviceName: string, opts: MetricsOptions): Metrics {
  return new Metrics({ namespace: metricsNamespace(opts.env), serviceName, ...(opts.logger ? { logger: opts.logger } : {}) });
}
