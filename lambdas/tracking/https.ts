/**
 * Entry point of the tracking HTTPS endpoint (Lambda function URL, CDK `tracking.httpsEndpoint`):
 * SNS topics of other accounts, and SES identity notification topics, deliver here. Same
 * handler as the SNS-subscription entry, plus one route: SES receipt notifications (an
 * identity's receipt topic subscribed over HTTPS) go to the inbound pipeline when its table and
 * bucket are configured on this function; otherwise they are stored as `unknown` events.
 *
 * It is its own function (and bundle) because the inbound path carries the MIME parser and its
 * charset tables (~1.2 MB), which the high-volume SES events subscription never needs.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { InvalidReceiptNotificationError } from '../../src/inbound/errors.js';
import { ingestReceiptNotification } from '../../src/inbound/ingest.js';
import { isReceiptNotification } from '../../src/inbound/notification.js';
import type { IngestDeps as InboundIngestDeps } from '../../src/inbound/types.js';
import { coldStart, IN_LAMBDA } from '../cold-start.js';
import { optionalInboundDeps, snsDeps, trackingRuntime } from './deps.js';
import { createTrackingHandler, type NotificationContext, type TrackingHandlerDeps, type UrlResult } from './handler.js';
import { TRACKING_METRICS } from './metrics.js';

/** Routes SES receipt notifications to the inbound pipeline; everything else stays with tracking. */
export function receiptRouter(
  inbound: InboundIngestDeps,
  deps: Pick<TrackingHandlerDeps, 'logger' | 'metrics'>,
): NonNullable<TrackingHandlerDeps['route']> {
  return async (message: unknown, context: NotificationContext) => {
    if (!isReceiptNotification(message)) return false;
    try {
      await ingestReceiptNotification(message, inbound);
      deps.metrics.addMetric(TRACKING_METRICS.inbound, MetricUnit.Count, 1);
    } catch (error) {
      // A receipt notification inbound cannot read will not get better on retry.
      if (!(error instanceof InvalidReceiptNotificationError)) throw error;
      deps.logger.warn('receipt notification refused by the inbound pipeline', { ...context, issues: error.issues });
    }
    return true;
  };
}

const wired = createTrackingHandler(coldStart(async () => {
  const rt = await trackingRuntime('mailroom-tracking-https');
  const inbound = optionalInboundDeps(rt);
  const base = { sns: snsDeps(rt), ingest: rt.ingest, logger: rt.logger, metrics: rt.metrics };
  return inbound ? { ...base, route: receiptRouter(inbound, base) } : base;
}, { eager: IN_LAMBDA }));

/** Lambda entry point; wired once per cold start, so importing this module elsewhere never needs the environment. */
export async function handler(event: LambdaFunctionURLEvent): Promise<UrlResult> {
  return wired(event);
}
