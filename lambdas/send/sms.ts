/**
 * Entry point of the SMS send Lambda (fed by the SMS queue). It wires the SMS schema and the
 * SMS kinds only (src/providers/kinds/sms.ts), so the bundle carries neither the email schema
 * nor the MIME composer. Its adapters are built from the provider instances the configuration
 * gave it (MAILROOM_PROVIDERS). Dependencies are built once per cold start (in the init phase
 * inside Lambda, see src/handlers/cold-start.ts); importing the module elsewhere never needs the
 * environment.
 */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { smsMessageSchema } from '../../src/contract/sms.js';
import { createValidator } from '../../src/contract/validator.js';
import { coldStart, IN_LAMBDA } from '../../src/handlers/cold-start.js';
import { createSendHandler } from '../../src/handlers/send.js';
import { createLogger } from '../../src/logging/logger.js';
import { createMetrics } from '../../src/logging/metrics.js';
import { buildAdapters } from '../../src/providers/kinds/build.js';
import { SMS_KINDS } from '../../src/providers/kinds/sms.js';
import { createProviderRegistry } from '../../src/providers/registry.js';
import { smsPolicyFromEnv } from '../../src/send/policy/sms.js';
import { type ChannelWiring, sendDepsFromEnv } from './deps.js';

export const smsWiring = {
  channel: 'sms',
  validate: createValidator('sms', smsMessageSchema),
  providers: async (instances, ctx) => createProviderRegistry({ sms: await buildAdapters('sms', instances, SMS_KINDS, ctx) }),
  policy: smsPolicyFromEnv,
} satisfies ChannelWiring;

// Built at import (they read only the environment), so the middleware chain below can hold them.
const logger = createLogger(process.env.POWERTOOLS_SERVICE_NAME ?? 'mailroom-send-sms');
const metrics = createMetrics(process.env.POWERTOOLS_SERVICE_NAME ?? 'mailroom-send-sms', { env: process.env });

const send = createSendHandler(coldStart(() => sendDepsFromEnv(process.env, smsWiring, { logger, metrics }), { eager: IN_LAMBDA }));

/** SQS batch in, partial batch response out (src/handlers/send.ts: Powertools BatchProcessor, ReportBatchItemFailures). */
export const handler = middy(send)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
