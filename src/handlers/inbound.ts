/**
 * Inbound handler factory (Lambda entry lambdas/inbound/handler.ts), subscribed to the SNS topic SES notifies from the receipt rule's S3 action
 * (or SNS action). Thin: verify the SNS record, hand the SES notification to
 * `ingestReceiptNotification`, count the outcome.
 *
 * Outcomes and retries (SNS invokes Lambda asynchronously; a thrown error is retried by
 * Lambda, then goes to the function's DLQ):
 * - SNS record refused (bad signature, topic not allowed, malformed): counted once by
 *   `acceptSnsLambdaRecord` (metric SnsRefused) and skipped — retrying cannot fix it.
 * - Message that is not a receipt notification (e.g. SES's setup test message): logged, skipped.
 * - Receipt notification we cannot ingest (InvalidReceiptNotificationError): InboundInvalid, skipped.
 * - Mail kept with `error` (too large, undecryptable, …): InboundStored + InboundKeptWithError.
 * - S3 / DynamoDB / KMS / SNS transient failure: thrown, so Lambda retries; ingestion is
 *   idempotent by SES message id.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SNSEvent, SNSEventRecord } from 'aws-lambda';
import { InvalidReceiptNotificationError } from '../inbound/errors.js';
import { ingestReceiptNotification } from '../inbound/ingest.js';
import { isReceiptNotification } from '../inbound/notification.js';
import type { IngestDeps } from '../inbound/types.js';
import { acceptSnsLambdaRecord, type SnsIngestDeps, SnsVerificationError } from '../tracking/sns/index.js';

export interface InboundHandlerDeps {
  /** Verifier (topic allowlist: the receipt-notification topic), logger and metrics for refusals. */
  readonly sns: SnsIngestDeps;
  readonly ingest: IngestDeps;
  readonly logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  readonly metrics: Pick<Metrics, 'addMetric' | 'singleMetric' | 'publishStoredMetrics'>;
}

export const INBOUND_METRICS = {
  stored: 'InboundStored',
  duplicate: 'InboundDuplicate',
  quarantined: 'InboundQuarantined',
  keptWithError: 'InboundKeptWithError',
  invalid: 'InboundInvalid',
  ignored: 'InboundIgnored',
} as const;

export function createInboundHandler(deps: InboundHandlerDeps): (event: SNSEvent) => Promise<void> {
  return async (event) => {
    // SNS delivers one record per invocation; the loop keeps us honest if that ever changes.
    for (const record of event.Records ?? []) await handleRecord(record, deps);
  };
}

async function handleRecord(record: SNSEventRecord, deps: InboundHandlerDeps): Promise<void> {
  let message: unknown;
  try {
    const envelope = await acceptSnsLambdaRecord(record, deps.sns);
    message = JSON.parse(envelope.Message) as unknown;
  } catch (error) {
    if (error instanceof SnsVerificationError) return; // logged and counted by acceptSnsLambdaRecord
    if (error instanceof SyntaxError) return skip(deps, INBOUND_METRICS.invalid, 'SNS Message is not JSON');
    throw error;
  }
  if (!isReceiptNotification(message)) {
    const type = (message as { notificationType?: unknown } | null)?.notificationType;
    return skip(deps, INBOUND_METRICS.ignored, 'not an SES receipt notification', { notificationType: String(type) });
  }
  try {
    const { status, record: stored } = await ingestReceiptNotification(message, deps.ingest);
    deps.metrics.addMetric(status === 'stored' ? INBOUND_METRICS.stored : INBOUND_METRICS.duplicate, MetricUnit.Count, 1);
    if (status === 'stored' && stored.attachments.some((a) => a.quarantined)) {
      deps.metrics.addMetric(INBOUND_METRICS.quarantined, MetricUnit.Count, 1);
    }
    if (status === 'stored' && stored.error) {
      deps.metrics.singleMetric().addDimension('code', stored.error.code).addMetric(INBOUND_METRICS.keptWithError, MetricUnit.Count, 1);
    }
  } catch (error) {
    if (error instanceof InvalidReceiptNotificationError) {
      return skip(deps, INBOUND_METRICS.invalid, 'receipt notification refused', { issues: error.issues });
    }
    deps.logger.error('inbound ingestion failed; the invocation will be retried', { error });
    throw error;
  }
}

function skip(deps: InboundHandlerDeps, metric: string, message: string, extra: Record<string, unknown> = {}): void {
  deps.logger.warn(message, extra);
  deps.metrics.addMetric(metric, MetricUnit.Count, 1);
}
