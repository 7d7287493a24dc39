/**
 * Entry point of the tracking Lambda subscribed to the SES events topic (the handler itself:
 * src/handlers/tracking.ts). Dependencies are built once per cold start
 * (src/handlers/cold-start.ts), so importing this module elsewhere never needs the environment;
 * the logger and metrics exist from import so the middleware chain can hold them.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { SNSEvent } from 'aws-lambda';
import { coldStart, IN_LAMBDA } from '../../src/handlers/cold-start.js';
import { createTrackingHandler } from '../../src/handlers/tracking.js';
import { createLogger } from '../../src/logging/logger.js';
import { createMetrics } from '../../src/logging/metrics.js';
import { snsDeps, trackingRuntime } from './deps.js';

const logger = createLogger('mailroom-tracking');
const metrics = createMetrics('mailroom-tracking', { env: process.env });

const tracking = createTrackingHandler(
  coldStart(
    async () => {
      const rt = await trackingRuntime({ logger, metrics });
      return { sns: snsDeps(rt), ingest: rt.ingest, logger, metrics };
    },
    { eager: IN_LAMBDA },
  ),
);

export const handler = middy(async (event: SNSEvent): Promise<void> => tracking(event))
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
