/**
 * Wiring of the send handler from the Lambda environment (src/config/runtime.ts): the
 * configuration is read and validated once, SDK clients and the per-provider rate limiters
 * are built once per container and reused across invocations (the limiter's state has to
 * outlive one batch to mean anything). Async, because a channel's adapters may need their
 * credentials from Secrets Manager (loadProviderSecret with the `secrets` source) before the
 * first message: the entry points await it once per cold start (src/handlers/cold-start.ts).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ENV, type RuntimeEnv, readRuntimeEnv } from '../../src/config/runtime.js';
import type { Channel } from '../../src/contract/message.js';
import type { Validator } from '../../src/contract/validator.js';
import { ConfigError } from '../../src/errors.js';
import type { SendHandlerDeps } from '../../src/handlers/send.js';
import { createLogger } from '../../src/logging/logger.js';
import { createMetrics } from '../../src/logging/metrics.js';
import type { ProviderInstance } from '../../src/providers/kinds/types.js';
import { PowertoolsSecretSource } from '../../src/providers/secrets/powertools.js';
import type { SecretSource } from '../../src/providers/secrets/source.js';
import { S3BodyStore, sqsBodyPrefix } from '../../src/send/oversize.js';
import type { SendPolicy } from '../../src/send/policy/types.js';
import { createSendProcessor } from '../../src/send/process.js';
import { SqsSendQueue } from '../../src/send/queue.js';
import { RateLimiters } from '../../src/send/rate-limit.js';
import type { MetricsPort, ProviderLookup, SendConfig } from '../../src/send/types.js';
import { MessageStore } from '../../src/store/messages.js';
import { SuppressionStore } from '../../src/store/suppressions.js';

/** Adapts Powertools Metrics (EMF) to the domain's counter port. */
export function powertoolsMetrics(metrics: Metrics): MetricsPort {
  return { count: (name, value = 1) => metrics.addMetric(name, MetricUnit.Count, value) };
}

/** The domain configuration the runtime environment describes, for one channel. */
export function sendConfigFromEnv(
  env: RuntimeEnv,
  channel: Channel,
): SendConfig & { queueUrl: string; dlqUrl: string; maxSendRate: number } {
  const queueUrl = env[ENV.queueUrl];
  const dlqUrl = env[ENV.dlqUrl];
  const defaultProvider = env[ENV.defaultProvider];
  const maxSendRate = env[ENV.maxSendRate];
  const problems = [
    ...(queueUrl ? [] : [`${ENV.queueUrl}: required by the send handler (backoff and re-enqueueing)`]),
    ...(dlqUrl ? [] : [`${ENV.dlqUrl}: required by the send handler (failed messages go there with their reason)`]),
    ...(defaultProvider
      ? []
      : [`${ENV.defaultProvider}: required by the send handler (the instance a message goes to when it names none)`]),
    ...(maxSendRate ? [] : [`${ENV.maxSendRate}: required by the send handler (its share of the channel's send rate)`]),
    ...(env[ENV.providers] ? [] : [`${ENV.providers}: required by the send handler (the channel's provider instances)`]),
  ];
  if (env[ENV.backoffBaseSeconds] > env[ENV.backoffMaxSeconds]) {
    problems.push(
      `${ENV.backoffBaseSeconds} (${env[ENV.backoffBaseSeconds]}) exceeds ${ENV.backoffMaxSeconds} (${env[ENV.backoffMaxSeconds]})`,
    );
  }
  if (problems.length || !queueUrl || !dlqUrl || !defaultProvider || !maxSendRate) throw new ConfigError(problems);
  return {
    channel,
    defaultProvider,
    maxReceiveCount: env[ENV.maxReceiveCount],
    backoff: { baseSeconds: env[ENV.backoffBaseSeconds], maxSeconds: env[ENV.backoffMaxSeconds] },
    ignoreUnsupportedFeatures: env[ENV.ignoreUnsupportedFeatures],
    queueUrl,
    dlqUrl,
    maxSendRate,
  };
}

/** What a channel's adapters may use while they are built. */
export interface WiringContext {
  /**
   * Provider credentials: `await loadProviderSecret(ctx.secrets, name, schema)` with the
   * secret named in the configuration (never a message field, never plain config).
   */
  readonly secrets: SecretSource;
  /** SDK client configuration; empty inside Lambda (the function's role and region). */
  readonly aws?: Readonly<Record<string, unknown>>;
  readonly attachmentBucketOwners?: Readonly<Record<string, string>>;
}

/**
 * What differs between the email and the sms function: the channel, its schema and its
 * adapters. Each entry (email.ts, sms.ts) passes its own, so a bundle holds one channel only.
 */
export interface ChannelWiring {
  readonly channel: Channel;
  readonly validate: Validator;
  /** The channel's adapters, built from its provider instances (src/providers/kinds/build.ts). */
  providers(instances: readonly ProviderInstance[], ctx: WiringContext): Promise<ProviderLookup>;
  /** The channel's send policy (src/send/policy) from the environment. */
  policy?(env: RuntimeEnv): SendPolicy;
}

export interface SendDepsOptions {
  /** Default: Secrets Manager through Powertools Parameters, each secret cached 5 minutes. */
  readonly secrets?: SecretSource;
  /** The entry's logger and metrics (its middleware chain holds them). Default: new ones for the channel. */
  readonly logger?: Logger;
  readonly metrics?: Metrics;
}

export async function sendDepsFromEnv(
  processEnv: NodeJS.ProcessEnv,
  wiring: ChannelWiring,
  opts: SendDepsOptions = {},
): Promise<SendHandlerDeps> {
  const env = readRuntimeEnv(processEnv);
  const { queueUrl, dlqUrl, maxSendRate, ...config } = sendConfigFromEnv(env, wiring.channel);
  const providers = await wiring.providers(env[ENV.providers] ?? [], {
    secrets: opts.secrets ?? new PowertoolsSecretSource(),
    attachmentBucketOwners: env[ENV.attachmentBucketOwners],
  });
  const serviceName = processEnv.POWERTOOLS_SERVICE_NAME ?? `mailroom-send-${config.channel}`;
  const logger = opts.logger ?? createLogger(serviceName);
  const metrics = opts.metrics ?? createMetrics(serviceName, { env: processEnv });
  const payloadBucket = env[ENV.payloadBucket];
  if (!payloadBucket)
    logger.warn(
      `${ENV.payloadBucket} is not set: a body too large to go to the DLQ with its reason attributes cannot be dead-lettered by reference`,
    );
  const bodies = payloadBucket
    ? new S3BodyStore(new S3Client({}), { bucket: payloadBucket, prefix: sqsBodyPrefix(config.channel) })
    : undefined;
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
  const processor = createSendProcessor({
    config,
    validate: wiring.validate,
    messages: new MessageStore(doc, env[ENV.messagesTable], undefined, env[ENV.messagesRetentionDays]),
    suppressions: new SuppressionStore(doc, env[ENV.suppressionsTable]),
    providers,
    queue: new SqsSendQueue(new SQSClient({}), { queueUrl, dlqUrl, bodies }),
    limiters: new RateLimiters({ ratePerSecond: maxSendRate }),
    ...(wiring.policy ? { policy: wiring.policy(env) } : {}),
    logger,
    metrics: powertoolsMetrics(metrics),
  });
  return { processor, logger };
}
