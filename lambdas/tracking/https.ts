/**
 * Entry point of the tracking HTTPS endpoint (Lambda function URL, CDK `tracking.httpsEndpoint`):
 * SNS topics of other accounts, and SES identity notification topics, deliver here. Same
 * handler as the SNS-subscription entry, plus one route: SES receipt notifications go to the
 * inbound pipeline when its table and bucket are configured on this function
 * (src/handlers/receipt-router.ts).
 *
 * It is its own function (and bundle) because the inbound path carries the MIME parser and its
 * charset tables (~1.2 MB), which the high-volume SES events subscription never needs.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { coldStart, IN_LAMBDA } from '../../src/handlers/cold-start.js';
import { receiptRouter } from '../../src/handlers/receipt-router.js';
import { createTrackingHandler, type UrlResult } from '../../src/handlers/tracking.js';
import { createLogger } from '../../src/logging/logger.js';
import { createMetrics } from '../../src/logging/metrics.js';
import { optionalInboundDeps, snsDeps, topicAllowlists, trackingRuntime } from './deps.js';

const logger = createLogger('mailroom-tracking-https');
const metrics = createMetrics('mailroom-tracking-https', { env: process.env });

const tracking = createTrackingHandler(
  coldStart(
    async () => {
      const rt = await trackingRuntime({ logger, metrics });
      const topics = topicAllowlists(rt);
      const base = { sns: snsDeps(rt, topics), ingest: rt.ingest, logger, metrics };
      return { ...base, route: receiptRouter(optionalInboundDeps(rt), base, topics) };
    },
    { eager: IN_LAMBDA },
  ),
);

export const handler = middy(async (event: LambdaFunctionURLEvent): Promise<UrlResult> => tracking(event))
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
