import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SNSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createInboundHandler, INBOUND_METRICS, type InboundHandlerDeps } from '../../../src/handlers/inbound.js';
import { InboundStore } from '../../../src/store/inbound.js';
import { SnsVerifier } from '../../../src/tracking/sns/index.js';
import { RECEIPT_TOPIC_ARN, RecordingMetrics, sesFixture, silentLogger, snsLambdaRecord } from './support.js';

// These paths end before any AWS call: the clients point nowhere, and a call would fail the test.
function deps(opts: { skipSignatureCheck?: boolean } = {}) {
  const metrics = new RecordingMetrics();
  const nowhere = {
    endpoint: 'http://127.0.0.1:9',
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    maxAttempts: 1,
  };
  const d: InboundHandlerDeps = {
    sns: {
      verifier: new SnsVerifier({ allowedTopicArns: [RECEIPT_TOPIC_ARN], skipSignatureCheck: opts.skipSignatureCheck ?? false }),
      logger: silentLogger,
      metrics: metrics as never,
      snsClientForRegion: () => new SNSClient(nowhere),
    },
    ingest: {
      s3: new S3Client(nowhere),
      store: new InboundStore(DynamoDBDocumentClient.from(new DynamoDBClient(nowhere)), 'inbound'),
      bucket: 'inbound',
      maxBytes: 1024,
      clock: () => new Date(),
      logger: silentLogger,
    },
    logger: silentLogger,
    metrics: metrics as never,
  };
  return { handler: createInboundHandler(d), metrics };
}

const event = (...records: unknown[]) => ({ Records: records }) as unknown as SNSEvent;

describe('inbound handler refusals (not retried)', () => {
  it('skips and counts a record from a topic that is not on the allowlist', async () => {
    // Prepare
    const { handler, metrics } = deps();
    const record = snsLambdaRecord(sesFixture('s3-action.json'), { topicArn: 'arn:aws:sns:us-east-1:999999999999:someone-else' });
    // Act
    await handler(event(record));
    // Assess
    expect(metrics.dimensioned).toEqual([{ name: 'SnsRefused', dimensions: { reason: 'topic_not_allowed' } }]);
  });

  it('skips a record whose SNS envelope is malformed', async () => {
    const { handler, metrics } = deps();
    await handler(event({ EventSource: 'aws:sns', Sns: { Type: 'Notification' } }));
    expect(metrics.dimensioned).toEqual([{ name: 'SnsRefused', dimensions: { reason: 'malformed' } }]);
  });

  it('counts a Message that is not JSON as invalid', async () => {
    const { handler, metrics } = deps({ skipSignatureCheck: true });
    await handler(event(snsLambdaRecord('not json {')));
    expect(metrics.counts).toEqual({ [INBOUND_METRICS.invalid]: 1 });
  });

  it("ignores SES's setup notification and anything that is not a receipt", async () => {
    const { handler, metrics } = deps({ skipSignatureCheck: true });
    await handler(event(snsLambdaRecord({ notificationType: 'AMAZON_SES_SETUP_NOTIFICATION' }), snsLambdaRecord({ eventType: 'Bounce' })));
    expect(metrics.counts).toEqual({ [INBOUND_METRICS.ignored]: 2 });
  });

  it('counts an invalid receipt notification and does not throw', async () => {
    const { handler, metrics } = deps({ skipSignatureCheck: true });
    const bad = { ...sesFixture('s3-action.json'), mail: { messageId: 'a/b' } };
    await handler(event(snsLambdaRecord(bad)));
    expect(metrics.counts).toEqual({ [INBOUND_METRICS.invalid]: 1 });
  });
});
