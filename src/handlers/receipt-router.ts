/**
 * The one route the tracking HTTPS entry (lambdas/tracking/https.ts) adds to the tracking
 * handler: SES receipt notifications (an identity's receipt topic subscribed over HTTPS) go to
 * the inbound pipeline when its table and bucket are configured on that function. One
 * allowlist per purpose (src/tracking/sns/purpose.ts): a receipt notification is accepted only
 * from a topic of MAILROOM_INBOUND_ALLOWED_TOPIC_ARNS, any other notification only from a topic
 * of MAILROOM_ALLOWED_TOPIC_ARNS; the rest is refused (403, counted as SnsRefused topic_not_allowed).
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { InvalidReceiptNotificationError } from '../inbound/errors.js';
import { ingestReceiptNotification } from '../inbound/ingest.js';
import { isReceiptNotification } from '../inbound/notification.js';
import type { IngestDeps as InboundIngestDeps } from '../inbound/types.js';
import { checkPurpose, reportRefusal, SnsVerificationError, type TopicAllowlists } from '../tracking/sns/index.js';
import type { NotificationContext, TrackingHandlerDeps } from './tracking.js';
import { TRACKING_METRICS } from './tracking-metrics.js';

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
