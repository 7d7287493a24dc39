/**
 * Creates the tables, queues and buckets of a Mailroom deployment on the local servers, with
 * the same key design (src/store/tables.ts) and the same queue → DLQ redrive the CDK stack
 * deploys. Used by `npm start` and by integration tests (each test suite gets its own
 * prefix, so suites never see each other's data).
 */
import { type AttributeDefinition, CreateTableCommand, type DynamoDBClient, type GlobalSecondaryIndex } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { projectionOf, TABLES, type TableDef, type TableName, type TableNames } from '../store/tables.js';

export interface QueuePair {
  readonly url: string;
  readonly arn: string;
  readonly dlqUrl: string;
  readonly dlqArn: string;
}

export interface LocalResources {
  readonly tables: TableNames;
  readonly queues: { readonly email: QueuePair; readonly sms: QueuePair };
  readonly buckets: { readonly inbound: string; readonly payload: string };
}

export function createTableInput(name: string, def: TableDef) {
  const attributes = new Map<string, AttributeDefinition>();
  const add = (attr: string) => attributes.set(attr, { AttributeName: attr, AttributeType: 'S' });
  add(def.partitionKey);
  if (def.sortKey) add(def.sortKey);
  const gsis: GlobalSecondaryIndex[] = Object.entries(def.indexes).map(([indexName, idx]) => {
    add(idx.partitionKey);
    if (idx.sortKey) add(idx.sortKey);
    return {
      IndexName: indexName,
      KeySchema: [
        { AttributeName: idx.partitionKey, KeyType: 'HASH' },
        ...(idx.sortKey ? [{ AttributeName: idx.sortKey, KeyType: 'RANGE' as const }] : []),
      ],
      Projection: projectionOf(idx),
    };
  });
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: [...attributes.values()],
    KeySchema: [
      { AttributeName: def.partitionKey, KeyType: 'HASH' as const },
      ...(def.sortKey ? [{ AttributeName: def.sortKey, KeyType: 'RANGE' as const }] : []),
    ],
    ...(gsis.length ? { GlobalSecondaryIndexes: gsis } : {}),
  };
}

export async function createQueuePair(
  sqs: SQSClient,
  name: string,
  maxReceiveCount: number,
  visibilityTimeout: number,
): Promise<QueuePair> {
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq`, Attributes: { MessageRetentionPeriod: '1209600' } }));
  const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!
    .QueueArn!;
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: {
        VisibilityTimeout: String(visibilityTimeout),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount }),
      },
    }),
  );
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queue.QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!
    .QueueArn!;
  return { url: queue.QueueUrl!, arn, dlqUrl: dlq.QueueUrl!, dlqArn };
}

export async function provisionLocal(
  clients: { dynamodb: DynamoDBClient; sqs: SQSClient; s3: S3Client },
  prefix: string,
  opts: { maxReceiveCount?: number; visibilityTimeout?: number } = {},
): Promise<LocalResources> {
  const tables = Object.fromEntries(Object.keys(TABLES).map((t) => [t, `${prefix}-${t}`])) as Record<TableName, string>;
  await Promise.all(
    (Object.keys(TABLES) as TableName[]).map((t) => clients.dynamodb.send(new CreateTableCommand(createTableInput(tables[t], TABLES[t])))),
  );
  const maxReceiveCount = opts.maxReceiveCount ?? 5;
  const visibilityTimeout = opts.visibilityTimeout ?? 30;
  const [email, sms] = await Promise.all([
    createQueuePair(clients.sqs, `${prefix}-email`, maxReceiveCount, visibilityTimeout),
    createQueuePair(clients.sqs, `${prefix}-sms`, maxReceiveCount, visibilityTimeout),
  ]);
  const buckets = { inbound: `${prefix}-inbound`.toLowerCase(), payload: `${prefix}-payload`.toLowerCase() };
  await Promise.all(Object.values(buckets).map((Bucket) => clients.s3.send(new CreateBucketCommand({ Bucket }))));
  return { tables, queues: { email, sms }, buckets };
}
