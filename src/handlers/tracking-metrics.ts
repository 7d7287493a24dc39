/**
 * What the tracking handlers count (EMF, in the namespace of ../logging/metrics.ts). Refusals of SNS messages are
 * counted where they are decided (`SnsRefused` with a `reason` dimension, see
 * src/tracking/sns/refusals.ts), not here.
 */
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { IngestOutcome } from '../tracking/deps.js';

export const TRACKING_METRICS = {
  /** Events written for the first time. */
  stored: 'EventsStored',
  /** Events we already held (SNS redelivery, replay): nothing written. */
  duplicate: 'EventsDuplicate',
  /** Stored events of a shape the normalizer did not understand: worth a look. */
  unknown: 'EventsUnknown',
  /** Recipients whose status moved forward on our message record. */
  progressed: 'RecipientsProgressed',
  /** Addresses added to the suppression list. */
  suppressed: 'AddressesSuppressed',
  /** Notifications that are not about any message (SES setup notices). */
  ignored: 'NotificationsIgnored',
  /** SES receipt notifications that arrived here and were handed to the inbound pipeline. */
  inbound: 'InboundRouted',
  /** Ingestion failures (storage): the notification is retried. */
  failed: 'IngestFailed',
  /** CloudWatch Logs payloads that could not be decoded (never retried). */
  invalidLogs: 'SmsStatusPayloadInvalid',
} as const;

export type TrackingMetrics = Pick<Metrics, 'addMetric' | 'singleMetric' | 'publishStoredMetrics'>;

export function countOutcome(metrics: TrackingMetrics, outcome: IngestOutcome): void {
  const add = (name: string, value: number) => {
    if (value > 0) metrics.addMetric(name, MetricUnit.Count, value);
  };
  add(TRACKING_METRICS.stored, outcome.stored);
  add(TRACKING_METRICS.duplicate, outcome.duplicates);
  add(TRACKING_METRICS.unknown, outcome.unknown);
  add(TRACKING_METRICS.progressed, outcome.progressed);
  add(TRACKING_METRICS.suppressed, outcome.suppressed.length);
  if (outcome.ignored) add(TRACKING_METRICS.ignored, 1);
}
