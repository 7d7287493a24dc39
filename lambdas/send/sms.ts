/**
 * Entry point of the SMS send Lambda (fed by the SMS queue). It wires the SMS schema and the
 * SNS adapter only, so the bundle carries neither the email schema nor the MIME composer.
 * Dependencies are built once per cold start (in the init phase inside Lambda, see
 * src/handlers/cold-start.ts); importing the module elsewhere never needs the environment.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { SNSClient } from '@aws-sdk/client-sns';
import middy from '@middy/core';
import { ENV, type RuntimeEnv } from '../../src/config/runtime.js';
import { smsMessageSchema } from '../../src/contract/sms.js';
import { createValidator } from '../../src/contract/validator.js';
import { coldStart, IN_LAMBDA } from '../../src/handlers/cold-start.js';
import { createSendHandler } from '../../src/handlers/send.js';
import { createLogger } from '../../src/logging/logger.js';
import { createMetrics } from '../../src/logging/metrics.js';
import { createProviderRegistry } from '../../src/providers/registry.js';
import { SnsSmsProvider } from '../../src/providers/sms/sns.js';
import { smsPolicy } from '../../src/send/policy/sms.js';
import { sendDepsFromEnv, type ChannelWiring } from './deps.js';

export const smsWiring = {
  channel: 'sms',
  validate: createValidator('sms', smsMessageSchema),
  providers(env: RuntimeEnv) {
    const defaultSenderId = env[ENV.smsDefaultSenderId];
    const defaultOriginationNumber = env[ENV.smsDefaultOriginationNumber];
    return createProviderRegistry({
      sms: [new SnsSmsProvider(new SNSClient({}), { ...(defaultSenderId ? { defaultSenderId } : {}), ...(defaultOriginationNumber ? { defaultOriginationNumber } : {}) })],
    });
  },
  policy(env) {
    const defaultMaxPrice = env[ENV.smsDefaultMaxPrice];
    const maxPriceCeiling = env[ENV.smsMaxPriceCeiling];
    return smsPolicy({
      allowedCountries: env[ENV.smsAllowedCountries],
      ...(defaultMaxPrice !== undefined ? { defaultMaxPrice } : {}),
      ...(maxPriceCeiling !== undefined ? { maxPriceCeiling } : {}),
      destinationLimit: { nationalDigits: env[ENV.smsRangeDigits], limit: env[ENV.smsRangeLimit], windowSeconds: env[ENV.smsRangeWindowSeconds] },
    });
  },
} satisfies ChannelWiring;

// Built at import (they read only the environment), so the middleware chain below can hold them.
const logger = createLogger(process.env.POWERTOOLS_SERVICE_NAME ?? 'mailroom-send-sms');
const metrics = createMetrics(process.env.POWERTOOLS_SERVICE_NAME ?? 'mailroom-send-sms', { env: process.env });

const send = createSendHandler(coldStart(() => sendDepsFromEnv(process.env, smsWiring, { logger, metrics }), { eager: IN_LAMBDA }));

/** SQS batch in, partial batch response out (src/handlers/send.ts: Powertools BatchProcessor, ReportBatchItemFailures). */
export const handler = middy(send)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
