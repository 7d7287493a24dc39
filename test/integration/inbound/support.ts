/**
 * Drives the inbound Lambda handler against the local servers exactly as AWS would: the raw
 * mail is put in the local S3 under the receipt rule's prefix + SES message id, then an SNS
 * Lambda record carrying the receipt notification is handed to the handler.
 */
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import { Upload } from '@aws-sdk/lib-storage';
import type { SNSEvent } from 'aws-lambda';
import { createInboundHandler } from '../../../src/handlers/inbound.js';
import type { InboundReceivedEvent, IngestDeps } from '../../../src/inbound/types.js';
import { InboundStore } from '../../../src/store/inbound.js';
import { SnsVerifier } from '../../../src/tracking/sns/index.js';
import type { LocalEnv } from '../../support/local.js';
import { RECEIPT_TOPIC_ARN, RecordingMetrics, sesFixture, silentLogger, snsLambdaRecord } from '../../unit/inbound/support.js';

export const RAW_PREFIX = 'raw/';

export interface Delivery {
  readonly id: string;
  readonly recipients?: readonly string[];
  readonly spam?: string;
  readonly virus?: string;
  /** Extra S3 user metadata (client-side encryption envelope). */
  readonly metadata?: Record<string, string>;
}

export function newMessageId(): string {
  return `t${randomUUID().replace(/-/g, '')}`;
}

export function s3Notification(bucket: string, d: Delivery): Record<string, unknown> {
  const n = structuredClone(sesFixture('s3-action.json')) as any;
  delete n._source;
  delete n._note;
  n.mail.messageId = d.id;
  n.mail.destination = [...(d.recipients ?? ['support@example.com'])];
  n.receipt.recipients = [...(d.recipients ?? ['support@example.com'])];
  n.receipt.spamVerdict = { status: d.spam ?? 'PASS' };
  n.receipt.virusVerdict = { status: d.virus ?? 'PASS' };
  n.receipt.action = {
    type: 'S3',
    topicArn: RECEIPT_TOPIC_ARN,
    bucketName: bucket,
    objectKeyPrefix: RAW_PREFIX,
    objectKey: `${RAW_PREFIX}${d.id}`,
  };
  return n;
}

/** Stores the raw MIME where SES's S3 action would (prefix + message id). */
export async function putRaw(s3: S3Client, bucket: string, d: Delivery, body: Buffer | Readable): Promise<void> {
  const params = { Bucket: bucket, Key: `${RAW_PREFIX}${d.id}`, Body: body, ...(d.metadata ? { Metadata: d.metadata } : {}) };
  if (Buffer.isBuffer(body)) await s3.send(new PutObjectCommand(params));
  else await new Upload({ client: s3, params, queueSize: 1, partSize: 5 * 1024 * 1024 }).done();
}

export function event(...notifications: unknown[]): SNSEvent {
  return { Records: notifications.map((n) => snsLambdaRecord(n)) } as unknown as SNSEvent;
}

export interface Harness {
  readonly deps: IngestDeps;
  readonly store: InboundStore;
  readonly events: InboundReceivedEvent[];
  readonly metrics: RecordingMetrics;
  readonly handler: (event: SNSEvent) => Promise<void>;
}

export function harness(env: LocalEnv, overrides: Partial<IngestDeps> = {}): Harness {
  const events: InboundReceivedEvent[] = [];
  const metrics = new RecordingMetrics();
  const store = new InboundStore(env.clients.doc, env.resources.tables.inbound);
  const deps: IngestDeps = {
    s3: env.clients.s3,
    store,
    bucket: env.resources.buckets.inbound,
    bodiesBucket: env.resources.buckets.payload,
    maxBytes: 40 * 1024 * 1024,
    publish: async (e) => {
      events.push(e);
    },
    clock: () => new Date(),
    logger: silentLogger,
    ...overrides,
  };
  const handler = createInboundHandler({
    sns: {
      // The local pipeline cannot sign: the operator vouches for these records, as `replay --skip-signature-check` does.
      verifier: new SnsVerifier({ allowedTopicArns: [RECEIPT_TOPIC_ARN], skipSignatureCheck: true }),
      logger: silentLogger,
      metrics: metrics as never,
      snsClientForRegion: () => env.clients.sns as SNSClient,
    },
    ingest: deps,
    logger: silentLogger,
    metrics: metrics as never,
  });
  return { deps, store: deps.store, events, metrics, handler };
}

/** Counts S3 commands by name on a client (instrumentation, the calls still go to s3rver). */
export function countS3Commands(s3: S3Client): { counts: Record<string, number>; reset(): void } {
  const counts: Record<string, number> = {};
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      const name = (context as { commandName?: string }).commandName ?? 'unknown';
      counts[name] = (counts[name] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: `count-${randomUUID()}` },
  );
  return {
    counts,
    reset: () => {
      for (const k of Object.keys(counts)) delete counts[k];
    },
  };
}
