/**
 * Entry point of the tracking HTTPS endpoint (Lambda function URL, CDK `tracking.httpsEndpoint`):
 * SNS topics of other accounts, and SES identity notification topics, deliver here. Same
 * handler as the SNS-subscription entry, plus one route: SES receipt notifications (an
 * identity's receipt topic subscribed over HTTPS) go to the inbound pipeline when its table and
 * bucket are configured on this function. One allowlist per purpose (src/tracking/sns/purpose.ts):
 * a receipt notification is accepted only from a topic of MAILROOM_INBOUND_ALLOWED_TOPIC_ARNS,
 * any other notification only from a topic of MAILROOM_ALLOWED_TOPIC_ARNS; the rest is refused
 * (403, counted as SnsRefused topic_not_allowed).
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
import { checkPurpose, reportRefusal, SnsVerificationError, type TopicAllowlists } from '../../src/tracking/sns/index.js';
import { coldStart, IN_LAMBDA } from '../cold-start.js';
import { optionalInboundDeps, snsDeps, topicAllowlists, trackingRuntime } from './deps.js';
import { createTrackingHandler, type NotificationContext, type TrackingHandlerDeps, type UrlResult } from './handler.js';
import { TRACKING_METRICS } from './metrics.js';

/**
 * Routes SES receipt notifications to the inbound pipeline, everything else stays with
 * tracking; each only from a topic on its own purpose's list (refusals are reported here and
 * thrown as `SnsVerificationError`). Without `inbound` deps, receipt notifications are refused.
 */
export function receiptRouter(
  inbound: InboundIngestDeps | undefined,
  deps: Pick<TrackingHandlerDeps, 'logger' | 'metrics' | 'sns'>,
  topics: TopicAllowlists,
): NonNullable<TrackingHandlerDeps['route']> {
  return async (message: unknown, context: NotificationContext) => {
    const receipt = isReceiptNotification(message);
    // Without inbound wiring on this function, no topic may deliver receipt notifications.
    const lists = inbound ? topics : { ...topics, inbound: [] };
    try {
      checkPurpose(lists, receipt ? 'inbound' : 'tracking', context);
    } catch (error) {
      if (error instanceof SnsVerificationError) reportRefusal(error, undefined, deps.sns);
      throw error;
    }
    if (!receipt || !inbound) return false;
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
  const topics = topicAllowlists(rt);
  const base = { sns: snsDeps(rt, topics), ingest: rt.ingest, logger: rt.logger, metrics: rt.metrics };
  return { ...base, route: receiptRouter(inbound, base, topics) };
}, { eager: IN_LAMBDA }));

/** Lambda entry point; wired once per cold start, so importing this module elsewhere never needs the environment. */
export async function handler(event: LambdaFunctionURLEvent): Promise<UrlResult> {
  return wired(event);
}
