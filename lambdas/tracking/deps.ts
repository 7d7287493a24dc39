/**
 * Wiring of the tracking handlers from the Lambda environment: config read and validated
 * once, SDK clients built once per container (reused across invocations, as is the SNS
 * signing-certificate cache inside the verifier). Async like every handler factory, so
 * webhook verification keys can come from Secrets Manager (loadProviderSecret) when provider
 * webhooks arrive; the entry points await it once per cold start (src/handlers/cold-start.ts).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ENV, type RuntimeEnv, readRuntimeEnv } from '../../src/config/runtime.js';
import { ConfigError } from '../../src/errors.js';
import type { IngestDeps as InboundIngestDeps } from '../../src/inbound/types.js';
import type { IngestDeps } from '../../src/tracking/deps.js';
import { allTopics, type SnsIngestDeps, SnsVerifier, type TopicAllowlists } from '../../src/tracking/sns/index.js';
import { createIngestDeps } from '../../src/tracking/wiring.js';
import { inboundIngestDeps } from '../inbound/deps.js';

export interface TrackingRuntime {
  readonly env: RuntimeEnv;
  readonly doc: DynamoDBDocumentClient;
  readonly s3: S3Client;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly ingest: IngestDeps;
}

/** What the entry builds at module scope, so its middleware chain (logger context, metrics flush) can hold them. */
export interface Observability {
  readonly logger: Logger;
  readonly metrics: Metrics;
}

export async function trackingRuntime({ logger, metrics }: Observability): Promise<TrackingRuntime> {
  const env = readRuntimeEnv(process.env);
  const eventsTable = env[ENV.eventsTable];
  if (!eventsTable) throw new ConfigError([`${ENV.eventsTable}: required by the tracking pipeline`]);
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
  const s3 = new S3Client({});
  const bucket = env[ENV.payloadBucket];
  if (!bucket) logger.warn(`${ENV.payloadBucket} is not set: raw payloads over 100 KB are kept truncated in the event item`);
  const ingest = createIngestDeps({
    doc,
    tables: { messages: env[ENV.messagesTable], events: eventsTable, suppressions: env[ENV.suppressionsTable] },
    ...(bucket ? { payload: { s3, bucket } } : {}),
    suppressOn: env[ENV.suppressOn],
    eventsRetentionDays: env[ENV.eventsRetentionDays],
  });
  return { env, doc, s3, logger, metrics, ingest };
}

/**
 * The allowlists per purpose: tracking events from MAILROOM_ALLOWED_TOPIC_ARNS, receipt
 * notifications (HTTPS entry only) from MAILROOM_INBOUND_ALLOWED_TOPIC_ARNS.
 */
export function topicAllowlists(rt: TrackingRuntime): TopicAllowlists {
  return { tracking: rt.env[ENV.allowedTopicArns], inbound: rt.env[ENV.inboundAllowedTopicArns] };
}

/**
 * SNS envelope handling: the verifier's allowlist is every topic of `topics` (default: the
 * tracking list only), ConfirmSubscription in the topic's region.
 */
export function snsDeps(
  rt: TrackingRuntime,
  topics: TopicAllowlists = { tracking: rt.env[ENV.allowedTopicArns], inbound: [] },
): SnsIngestDeps {
  const allowedTopicArns = allTopics(topics);
  if (!allowedTopicArns.length) rt.logger.warn(`${ENV.allowedTopicArns} is empty: every SNS message will be refused`);
  const clients = new Map<string, SNSClient>();
  return {
    verifier: new SnsVerifier({ allowedTopicArns }),
    logger: rt.logger,
    metrics: rt.metrics,
    snsClientForRegion: (region) => clients.get(region) ?? clients.set(region, new SNSClient({ region })).get(region)!,
  };
}

/**
 * Inbound ingestion for SES receipt notifications that reach the tracking endpoint (an
 * identity's receipt topic subscribed to the HTTPS URL), when the inbound table and bucket
 * are configured on this function; otherwise they are stored as `unknown` tracking events.
 */
export function optionalInboundDeps(rt: TrackingRuntime): InboundIngestDeps | undefined {
  if (!rt.env[ENV.inboundTable] || !rt.env[ENV.inboundBucket]) return undefined;
  return inboundIngestDeps(rt.env, { doc: rt.doc, s3: rt.s3, sns: new SNSClient({}), kms: new KMSClient({}) }, rt.logger);
}
