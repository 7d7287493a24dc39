import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLES } from '../../../src/store/tables.js';
import { type LocalEnv, localEnv } from '../../support/local.js';

describe('local provisioning', () => {
  let env: LocalEnv;
  beforeAll(async () => {
    env = await localEnv({ maxReceiveCount: 3 });
  });
  afterAll(() => env.clients.destroy());

  it('creates every table with the shared key design', async () => {
    for (const [name, def] of Object.entries(TABLES)) {
      const { Table } = await env.clients.dynamodb.send(
        new DescribeTableCommand({ TableName: env.resources.tables[name as keyof typeof TABLES] }),
      );
      expect(Table?.KeySchema?.[0]).toEqual({ AttributeName: def.partitionKey, KeyType: 'HASH' });
      expect((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName).sort()).toEqual(Object.keys(def.indexes).sort());
    }
  });

  it('wires each queue to its DLQ with the configured receive count', async () => {
    const { Attributes } = await env.clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: env.resources.queues.email.url, AttributeNames: ['RedrivePolicy'] }),
    );
    expect(JSON.parse(Attributes!.RedrivePolicy!)).toMatchObject({
      deadLetterTargetArn: env.resources.queues.email.dlqArn,
      maxReceiveCount: 3,
    });
  });

  it('creates the buckets', async () => {
    await expect(env.clients.s3.send(new HeadBucketCommand({ Bucket: env.resources.buckets.inbound }))).resolves.toBeDefined();
  });
});
