/**
 * The local pipeline as a whole: what it writes to local.json (docs/contract.md §6), that every
 * resource it names exists and is wired, that mail nobody in this pipeline sent still gets
 * its SES events, and that stop() releases everything.
 */

import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import { ListSubscriptionsByTopicCommand } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type LocalPipeline, startLocalPipeline } from '../../../src/local/pipeline.js';
import { localStateSchema } from '../../../src/local/state.js';
import { EventStore } from '../../../src/store/events.js';
import { waitFor } from './wait.js';

let pipeline: LocalPipeline;
let stateDir: string;

beforeAll(async () => {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  stateDir = join(mkdtempSync(join(tmpdir(), 'mailroom-pipeline-')), '.mailroom');
  pipeline = await startLocalPipeline({
    endpoints: inject('endpoints'),
    prefix: `p${randomUUID().slice(0, 8)}`,
    stateDir,
    waitTimeSeconds: 1,
    watchIntervalMs: 100,
    sesJoinGraceMs: 1500,
  });
});
afterAll(async () => {
  await pipeline?.stop();
});

describe('startLocalPipeline', () => {
  it('writes local.json with exactly the contract keys, and extras that name real resources', () => {
    // Act
    const written = JSON.parse(readFileSync(join(stateDir, 'local.json'), 'utf8')) as Record<string, unknown>;

    // Assess
    expect(localStateSchema.parse(written)).toEqual(pipeline.state);
    for (const key of ['region', 'endpoints', 'queues', 'tables', 'buckets', 'ui']) expect(written).toHaveProperty(key);
    expect(Object.keys(written.endpoints as object).sort()).toEqual(['dynamodb', 's3', 'sesv2', 'sns', 'sqs']);
    expect(Object.keys(written.queues as object).sort()).toEqual(['email', 'sms']);
    expect(Object.keys(written.tables as object).sort()).toEqual(['events', 'inbound', 'messages', 'suppressions']);
    expect(written.buckets).toHaveProperty('inbound');
    expect(written.ui).toBe(`${pipeline.state.endpoints.sesv2}/`);
  });

  it('creates every table, queue and bucket local.json names', async () => {
    const { clients, state } = pipeline;
    for (const table of Object.values(state.tables)) {
      await expect(clients.dynamodb.send(new DescribeTableCommand({ TableName: table }))).resolves.toMatchObject({
        Table: { TableStatus: 'ACTIVE' },
      });
    }
    for (const url of [...Object.values(state.queues), ...Object.values(state.dlqs!)]) {
      await expect(
        clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] })),
      ).resolves.toHaveProperty('Attributes.QueueArn');
    }
    await expect(clients.s3.send(new HeadBucketCommand({ Bucket: state.buckets.inbound }))).resolves.toBeDefined();
  });

  it('subscribes the tracking queue to the SES-events topic (SNS → SQS, not raw)', async () => {
    const { Subscriptions } = await pipeline.clients.sns.send(
      new ListSubscriptionsByTopicCommand({ TopicArn: pipeline.state.topics!.sesEvents }),
    );
    expect(Subscriptions).toEqual([expect.objectContaining({ Protocol: 'sqs', Endpoint: pipeline.resources.tracking.arn })]);
  });

  it('publishes SES events for mail it cannot join to a message, filed under the SES message id', async () => {
    // Prepare: a send straight to the local SES, as another system would do.
    const { MessageId } = await pipeline.clients.sesv2.send(
      new SendEmailCommand({
        FromEmailAddress: 'other-system@example.com',
        Destination: { ToAddresses: ['success@simulator.amazonses.com'] },
        Content: { Simple: { Subject: { Data: 'not ours' }, Body: { Text: { Data: 'x' } } } },
      }),
    );
    const events = new EventStore(pipeline.clients.doc, pipeline.state.tables.events);

    // Act: the watcher waits for a join (the grace period), then publishes anyway.
    const found = await waitFor(
      () => events.byMessage(MessageId!),
      (e) => e.length === 2,
      { timeoutMs: 30_000, what: 'unjoined events' },
    );

    // Assess
    expect(found.map((e) => e.eventType)).toEqual(['sent', 'delivered']);
    expect(found.every((e) => e.messageId === undefined && e.providerMessageId === MessageId)).toBe(true);
  });

  it('stop() removes local.json and is safe to call twice', async () => {
    // Act
    await pipeline.stop();
    await pipeline.stop();

    // Assess
    expect(existsSync(join(stateDir, 'local.json'))).toBe(false);
  });
});
