/**
 * Entry point of the email send Lambda (fed by the email queue). It wires the email schema and
 * the SES adapter only, so the bundle carries neither the SMS schema's numbering plan nor SNS.
 * Dependencies are built once per cold start (in the init phase inside Lambda, see
 * src/handlers/cold-start.ts); importing the module elsewhere never needs the environment.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { S3Client } from '@aws-sdk/client-s3';
import middy from '@middy/core';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { ENV, type RuntimeEnv } from '../../src/config/runtime.js';
import { emailMessageSchema } from '../../src/contract/email.js';
import { createValidator } from '../../src/contract/validator.js';
import { coldStart, IN_LAMBDA } from '../../src/handlers/cold-start.js';
import { createSendHandler } from '../../src/handlers/send.js';
import { createLogger } from '../../src/logging/logger.js';
import { createMetrics } from '../../src/logging/metrics.js';
import { s3AttachmentFetcher } from '../../src/providers/email/attachments.js';
import { SesEmailProvider } from '../../src/providers/email/ses.js';
import { createProviderRegistry } from '../../src/providers/registry.js';
import { emailPolicy } from '../../src/send/policy/email.js';
import { sendDepsFromEnv, type ChannelWiring } from './deps.js';

export const emailWiring = {
  channel: 'email',
  validate: createValidator('email', emailMessageSchema),
  providers(env: RuntimeEnv) {
    const configurationSet = env[ENV.configurationSet];
    // The stack's configuration set publishes Open and Click events, and SES tracks opens and
    // clicks for every message sent through a set that does: trackOpens/trackClicks true are
    // what happens anyway; false cannot be honoured per message and is refused as unsupported.
    const tracking = configurationSet ? { tracking: { opens: true, clicks: true } } : {};
    return createProviderRegistry({
      email: [new SesEmailProvider(new SESv2Client({}), { ...(configurationSet ? { configurationSet } : {}), ...tracking, fetchAttachment: s3AttachmentFetcher(new S3Client({}), env[ENV.attachmentBucketOwners]) })],
    });
  },
  // The same patterns are the send role's ses:FromAddress condition; this gives a named refusal first.
  policy: (env) => emailPolicy({ allowedFrom: env[ENV.emailAllowedFrom] }),
} satisfies ChannelWiring;

// Built at import (they read only the environment), so the middleware chain below can hold them.
const logger = createLogger(process.env.POWERTOOLS_SERVICE_NAME ?? 'mailroom-send-email');
const metrics = createMetrics(process.env.POWERTOOLS_SERVICE_NAME ?? 'mailroom-send-email', { env: process.env });

const send = createSendHandler(coldStart(() => sendDepsFromEnv(process.env, emailWiring, { logger, metrics }), { eager: IN_LAMBDA }));

/** SQS batch in, partial batch response out (src/handlers/send.ts: Powertools BatchProcessor, ReportBatchItemFailures). */
export const handler = middy(send)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
