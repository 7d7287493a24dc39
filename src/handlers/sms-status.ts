/**
 * SMS delivery-status handler factory (Lambda entry lambdas/tracking/sms-status.ts): a CloudWatch Logs subscription filter on the SNS SMS
 * delivery-status log groups (sns/<region>/<account>/DirectPublishToPhoneNumber and …/Failure)
 * invokes it with batches of log events. Thin: decode the payload, normalize each entry
 * (src/tracking/normalizers/sns-sms.ts), ingest the events (joined to our message by the SNS
 * MessageId the SNS adapter recorded as providerMessageId), count.
 *
 * A payload that is not a CloudWatch Logs subscription payload is logged and dropped (a retry
 * cannot fix it). Storage failures throw: CloudWatch Logs invokes asynchronously, so Lambda
 * retries (then the DLQ) and the events dedupe on their deterministic ids.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { CloudWatchLogsEvent } from 'aws-lambda';
import { decodeLogsEvent, type LogsData } from '../tracking/cloudwatch-logs.js';
import type { IngestDeps, IngestOutcome } from '../tracking/deps.js';
import { LogsPayloadError } from '../tracking/errors.js';
import { ingestEvents } from '../tracking/ingest.js';
import { normalizeSnsSmsEvent } from '../tracking/normalizers/sns-sms.js';
import { countOutcome, TRACKING_METRICS, type TrackingMetrics } from './tracking-metrics.js';

export interface SmsStatusHandlerDeps {
  readonly ingest: IngestDeps;
  readonly logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  readonly metrics: TrackingMetrics;
}

export function createSmsStatusHandler(deps: SmsStatusHandlerDeps): (event: CloudWatchLogsEvent) => Promise<IngestOutcome | undefined> {
  return async (event) => {
    let data: LogsData;
    try {
      data = decodeLogsEvent(event);
    } catch (error) {
      if (!(error instanceof LogsPayloadError)) throw error;
      deps.metrics.addMetric(TRACKING_METRICS.invalidLogs, MetricUnit.Count, 1);
      deps.logger.error('not a CloudWatch Logs subscription payload; dropped', { error: error.message });
      return undefined;
    }
    if (data.messageType !== 'DATA_MESSAGE') {
      deps.logger.info('CloudWatch Logs control message', { messageType: data.messageType, logGroup: data.logGroup });
      return undefined;
    }
    const receivedAt = (deps.ingest.now?.() ?? new Date()).toISOString();
    const events = data.logEvents.flatMap((e) => normalizeSnsSmsEvent(e.message, { receivedAt, provider: 'sns' }));
    let outcome: IngestOutcome;
    try {
      outcome = await ingestEvents(events, deps.ingest);
    } catch (error) {
      deps.metrics.addMetric(TRACKING_METRICS.failed, MetricUnit.Count, 1);
      deps.logger.error('SMS status ingestion failed; the invocation will be retried', { error, logGroup: data.logGroup });
      throw error;
    }
    countOutcome(deps.metrics, outcome);
    if (outcome.unknown)
      deps.logger.warn('stored SMS log entries the normalizer did not understand', { count: outcome.unknown, logGroup: data.logGroup });
    return outcome;
  };
}
