/**
 * The tracking and SMS delivery-status handlers with local clients, and the inbound route the
 * HTTPS entry adds (receipt notifications that reach tracking go to inbound). Part of
 * ./pipeline.ts.
 *
 * The verifier skips SNS signature checks (and with them the allowlist): fauxqs signs nothing
 * (it puts "EXAMPLE" where the signature goes, with a certificate URL on the real AWS host), so
 * a genuine check would refuse every local event. What reaches the tracking queue can only
 * come from the local topic it is subscribed to.
 */

import { receiptRouter } from '../handlers/receipt-router.js';
import { createSmsStatusHandler } from '../handlers/sms-status.js';
import { createTrackingHandler } from '../handlers/tracking.js';
import { createMetrics } from '../logging/metrics.js';
import { InboundStore } from '../store/inbound.js';
import { SnsVerifier } from '../tracking/sns/index.js';
import { createIngestDeps } from '../tracking/wiring.js';
import type { LocalClients } from './clients.js';
import { flushingMetrics } from './flush-metrics.js';
import { type LineSink, localLogger } from './log.js';
import type { PipelineResources } from './pipeline-resources.js';

export interface LocalTrackingOptions {
  readonly clients: LocalClients;
  readonly resources: PipelineResources;
  readonly sink: LineSink;
  readonly verbose: boolean;
  /** `operations.metricsNamespace` of the configuration, as the stack sets it on the Lambdas. */
  readonly metricsNamespace: string;
}

export function localTrackingHandlers({ clients, resources, sink, verbose, metricsNamespace }: LocalTrackingOptions) {
  const env = { POWERTOOLS_METRICS_NAMESPACE: metricsNamespace };
  const metrics = (serviceName: string) => createMetrics(serviceName, { env, logger: localLogger(serviceName, sink, false) });
  const topicArn = resources.tracking.topicArn;
  const ingest = createIngestDeps({
    doc: clients.doc,
    tables: resources.tables,
    payload: { s3: clients.s3, bucket: resources.buckets.payload },
  });
  const trackingLogger = localLogger('tracking', sink, verbose);
  const trackingMetrics = metrics('mailroom-tracking');
  const inbound = {
    s3: clients.s3,
    store: new InboundStore(clients.doc, resources.tables.inbound),
    bucket: resources.buckets.inbound,
    bodiesBucket: resources.buckets.payload,
    maxBytes: 40 * 1024 * 1024,
    clock: () => new Date(),
    logger: trackingLogger,
  };
  const sns = {
    verifier: new SnsVerifier({ allowedTopicArns: [topicArn], skipSignatureCheck: true }),
    logger: trackingLogger,
    metrics: trackingMetrics,
    snsClientForRegion: () => clients.sns,
  };
  const tracking = flushingMetrics(
    trackingMetrics,
    createTrackingHandler({
      // The local topic carries both kinds, so it is on both purposes' lists.
      route: receiptRouter(
        inbound,
        { logger: trackingLogger, metrics: trackingMetrics, sns },
        { tracking: [topicArn], inbound: [topicArn] },
      ),
      sns,
      ingest,
      logger: trackingLogger,
      metrics: trackingMetrics,
    }),
  );
  const smsStatusMetrics = metrics('mailroom-sms-status');
  const smsStatus = flushingMetrics(
    smsStatusMetrics,
    createSmsStatusHandler({ ingest, logger: localLogger('sms-status', sink, verbose), metrics: smsStatusMetrics }),
  );
  return { tracking, smsStatus, trackingLogger };
}
