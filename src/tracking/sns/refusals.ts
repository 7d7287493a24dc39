/**
 * Where refusals are logged and counted: once per refused message, by whichever entry point of
 * this module caught it (`acceptSnsHttpBody`, `acceptSnsLambdaRecord`,
 * `handleSubscriptionControl`). Handlers do not count again.
 *
 * Metric: `SnsRefused` (Count) with dimension `reason` (one of SNS_REFUSAL_REASONS), emitted as
 * a single EMF metric so the dimension does not leak onto the handler's other metrics.
 */
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SnsEnvelope } from './envelope.js';
import type { SnsRefusalReason, SnsVerificationError } from './errors.js';

export const SNS_REFUSED_METRIC = 'SnsRefused';

/**
 * The logging surface this module uses; a Powertools `Logger` fits it. Extra attributes are
 * structured fields, never interpolated into the message.
 */
export interface SnsLogger {
  info(message: string, ...attributes: Record<string, unknown>[]): void;
  warn(message: string, ...attributes: Record<string, unknown>[]): void;
  error(message: string, ...attributes: Record<string, unknown>[]): void;
}

export interface SnsRefusalDeps {
  readonly logger: SnsLogger;
  /** Powertools Metrics: `SnsRefused` is emitted on it with dimension `reason`. */
  readonly metrics?: Pick<Metrics, 'singleMetric'>;
  /** Called once per refusal (after logging), e.g. to count with another metrics library. */
  readonly onRefused?: (reason: SnsRefusalReason, envelope: SnsEnvelope | undefined, error: SnsVerificationError) => void;
}

export function reportRefusal(error: SnsVerificationError, envelope: SnsEnvelope | undefined, deps: SnsRefusalDeps): void {
  deps.logger.warn('SNS message refused', {
    reason: error.reason,
    detail: error.message,
    messageType: envelope?.Type,
    messageId: envelope?.MessageId ?? error.messageId,
    topicArn: envelope?.TopicArn ?? error.topicArn,
  });
  deps.metrics?.singleMetric().addDimension('reason', error.reason).addMetric(SNS_REFUSED_METRIC, MetricUnit.Count, 1);
  deps.onRefused?.(error.reason, envelope, error);
}
