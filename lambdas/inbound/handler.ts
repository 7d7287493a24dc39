/**
 * Entry point of the inbound Lambda, subscribed to the SNS topic SES notifies from the receipt
 * rule (the handler, its outcomes and retries: src/handlers/inbound.ts). Dependencies are built
 * once per cold start (src/handlers/cold-start.ts), so importing this module elsewhere never
 * needs the environment.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { SNSClient } from '@aws-sdk/client-sns';
import middy from '@middy/core';
import type { SNSEvent } from 'aws-lambda';
import { ENV, readRuntimeEnv } from '../../src/config/runtime.js';
import { coldStart, IN_LAMBDA } from '../../src/handlers/cold-start.js';
import { createInboundHandler } from '../../src/handlers/inbound.js';
import { createLogger } from '../../src/logging/logger.js';
import { createMetrics } from '../../src/logging/metrics.js';
import { SnsVerifier } from '../../src/tracking/sns/index.js';
import { defaultInboundClients, inboundIngestDeps } from './deps.js';

const logger = createLogger('mailroom-inbound');
const metrics = createMetrics('mailroom-inbound', { env: process.env });

const inbound = coldStart(
  () => {
    const env = readRuntimeEnv(process.env);
    const snsClients = new Map<string, SNSClient>();
    return createInboundHandler({
      sns: {
        verifier: new SnsVerifier({ allowedTopicArns: env[ENV.inboundAllowedTopicArns] }),
        logger,
        metrics,
        // Only used for HTTPS subscription confirmations; Lambda subscriptions never see one.
        snsClientForRegion: (region) => snsClients.get(region) ?? snsClients.set(region, new SNSClient({ region })).get(region)!,
      },
      ingest: inboundIngestDeps(env, defaultInboundClients(), logger),
      logger,
      metrics,
    });
  },
  { eager: IN_LAMBDA },
);

export const handler = middy(async (event: SNSEvent): Promise<void> => (await inbound())(event))
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
