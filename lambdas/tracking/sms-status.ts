/**
 * Entry point of the SMS delivery-status Lambda, invoked by a CloudWatch Logs subscription
 * filter on the SNS SMS delivery-status log groups (the handler: src/handlers/sms-status.ts).
 * Dependencies are built once per cold start (src/handlers/cold-start.ts), so importing this
 * module elsewhere never needs the environment.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { CloudWatchLogsEvent } from 'aws-lambda';
import { coldStart, IN_LAMBDA } from '../../src/handlers/cold-start.js';
import { createSmsStatusHandler } from '../../src/handlers/sms-status.js';
import { createLogger } from '../../src/logging/logger.js';
import { createMetrics } from '../../src/logging/metrics.js';
import { trackingRuntime } from './deps.js';

const logger = createLogger('mailroom-sms-status');
const metrics = createMetrics('mailroom-sms-status', { env: process.env });

const smsStatus = coldStart(
  async () => {
    const rt = await trackingRuntime({ logger, metrics });
    return createSmsStatusHandler({ ingest: rt.ingest, logger, metrics });
  },
  { eager: IN_LAMBDA },
);

export const handler = middy(async (event: CloudWatchLogsEvent): Promise<void> => {
  await (await smsStatus())(event);
})
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
