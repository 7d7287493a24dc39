/**
 * Wiring of the inbound ingestion from the Lambda environment: SDK clients built once, config
 * read once. Shared by the inbound Lambda (SNS subscription) and the tracking function URL,
 * which hands SES receipt notifications it receives over HTTPS to the same
 * `ingestReceiptNotification`.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ENV, type RuntimeEnv } from '../../src/config/runtime.js';
import { ConfigError } from '../../src/errors.js';
import { kmsDataKeyDecrypter } from '../../src/inbound/decrypt.js';
import { snsEventPublisher } from '../../src/inbound/publish.js';
import type { InboundLogger, IngestDeps } from '../../src/inbound/types.js';
import { InboundStore } from '../../src/store/inbound.js';

export interface InboundClients {
  readonly s3: S3Client;
  readonly doc: DynamoDBDocumentClient;
  readonly sns: SNSClient;
  readonly kms: KMSClient;
}

export function defaultInboundClients(): InboundClients {
  return {
    s3: new S3Client({}),
    doc: DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } }),
    sns: new SNSClient({}),
    kms: new KMSClient({}),
  };
}

/** IngestDeps from the validated environment; throws ConfigError listing what is missing. */
export function inboundIngestDeps(env: RuntimeEnv, clients: InboundClients, logger: InboundLogger): IngestDeps {
  const table = env[ENV.inboundTable];
  const bucket = env[ENV.inboundBucket];
  const problems = [
    ...(table ? [] : [`${ENV.inboundTable}: required by the inbound pipeline`]),
    ...(bucket ? [] : [`${ENV.inboundBucket}: required by the inbound pipeline`]),
  ];
  if (!table || !bucket) throw new ConfigError(problems);
  const topicArn = env[ENV.inboundEventsTopicArn];
  const bodiesBucket = env[ENV.payloadBucket];
  return {
    s3: clients.s3,
    store: new InboundStore(clients.doc, table, env[ENV.inboundRetentionDays]),
    bucket,
    ...(bodiesBucket ? { bodiesBucket } : {}),
    maxBytes: env[ENV.inboundMaxBytes],
    ...(topicArn ? { publish: snsEventPublisher(clients.sns, topicArn) } : {}),
    decryptDataKey: kmsDataKeyDecrypter(clients.kms),
    clock: () => new Date(),
    logger,
  };
}
