/**
 * Entry point of the email send Lambda (fed by the email queue). It wires the email schema and
 * the email kinds only (src/providers/kinds/email.ts), so the bundle carries neither the SMS
 * schema's numbering plan nor an SMS adapter. Its adapters are built from the provider
 * instances the configuration gave it (MAILROOM_PROVIDERS). Dependencies are built once per
 * cold start (in the init phase inside Lambda, see src/handlers/cold-start.ts); importing the module
 * elsewhere never needs the environment.
 */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { emailMessageSchema } from '../../src/contract/email.js';
import { createValidator } from '../../src/contract/validator.js';
import { coldStart, IN_LAMBDA } from '../../src/handlers/cold-start.js';
import { createSendHandler } from '../../src/handlers/send.js';
import { createLogger } from '../../src/logging/logger.js';
import { createMetrics } from '../../src/logging/metrics.js';
import { buildAdapters } from '../../src/providers/kinds/build.js';
import { EMAIL_KINDS } from '../../src/providers/kinds/email.js';
import { createProviderRegistry } from '../../src/providers/registry.js';
import { emailPolicyFromEnv } from '../../src/send/policy/email.js';
import { type ChannelWiring, sendDepsFromEnv } from './deps.js';

export const emailWiring = {
  channel: 'email',
  validate: createValidator('email', emailMessageSchema),
  providers: async (instances, ctx) => createProviderRegistry({ email: await buildAdapters('email', instances, EMAIL_KINDS, ctx) }),
  // The same patterns are the send role's ses:FromAddress condition; this gives a named refusal first.
  policy: emailPolicyFromEnv,
} satisfies ChannelWiring;

// Built at import (they read only the environment), so the middleware chain below can hold them.
const logger = createLogger(process.env.POWERTOOLS_SERVICE_NAME ?? 'mailroom-send-email');
const metrics = createMetrics(process.env.POWERTOOLS_SERVICE_NAME ?? 'mailroom-send-email', { env: process.env });

const send = createSendHandler(coldStart(() => sendDepsFromEnv(process.env, emailWiring, { logger, metrics }), { eager: IN_LAMBDA }));

/** SQS batch in, partial batch response out (src/handlers/send.ts: Powertools BatchProcessor, ReportBatchItemFailures). */
export const handler = middy(send)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
