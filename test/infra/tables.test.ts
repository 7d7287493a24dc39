import { beforeAll, describe, expect, it } from 'vitest';
import { projectionOf, TABLES, type TableName } from '../../src/store/tables.js';
import { logicalId, type Synthesized, synthMailroom } from './support.js';

let s: Synthesized;
let destroy: Synthesized;
beforeAll(() => {
  s = synthMailroom();
  destroy = synthMailroom({ operations: { removalPolicy: 'destroy', deletionProtection: false } });
});

const keySchema = (pk: string, sk?: string) => [
  { AttributeName: pk, KeyType: 'HASH' },
  ...(sk ? [{ AttributeName: sk, KeyType: 'RANGE' }] : []),
];

describe('MailroomTables', () => {
  it.each(Object.keys(TABLES) as TableName[])('builds the %s table with exactly the keys and indexes of src/store/tables.ts', (name) => {
    // Prepare
    const def = TABLES[name];
    const table = s.template.findResources('AWS::DynamoDB::Table')[logicalId(s.stack.tables.tables[name])]!.Properties;
    const expectedIndexes = Object.entries(def.indexes).map(([indexName, idx]) => ({
      IndexName: indexName,
      KeySchema: keySchema(idx.partitionKey, 'sortKey' in idx ? idx.sortKey : undefined),
      Projection: projectionOf(idx),
    }));
    const keyAttributes = new Set([
      def.partitionKey,
      ...('sortKey' in def ? [def.sortKey] : []),
      ...Object.values(def.indexes).flatMap((i) => [i.partitionKey, ...('sortKey' in i ? [i.sortKey] : [])]),
    ]);

    // Assess
    expect(table.KeySchema).toEqual(keySchema(def.partitionKey, 'sortKey' in def ? def.sortKey : undefined));
    expect(table.GlobalSecondaryIndexes ?? []).toEqual(expectedIndexes);
    expect([...table.AttributeDefinitions].sort((a, b) => a.AttributeName.localeCompare(b.AttributeName))).toEqual(
      [...keyAttributes].sort().map((a) => ({ AttributeName: a, AttributeType: 'S' })),
    );
  });

  it('projects keys only into the events and messages indexes, and never ALL anywhere (each index write would copy the whole item)', () => {
    // Prepare
    const tables = s.template.findResources('AWS::DynamoDB::Table');
    const projections = (name: TableName) =>
      Object.fromEntries(
        (
          tables[logicalId(s.stack.tables.tables[name])]!.Properties.GlobalSecondaryIndexes as { IndexName: string; Projection: unknown }[]
        ).map((i) => [i.IndexName, i.Projection]),
      );

    // Assess
    expect(projections('events')).toEqual({
      byMessage: { ProjectionType: 'KEYS_ONLY' },
      byRecipient: { ProjectionType: 'KEYS_ONLY' },
      byType: { ProjectionType: 'KEYS_ONLY' },
    });
    expect(projections('messages')).toEqual({
      byProviderMessageId: { ProjectionType: 'KEYS_ONLY' },
      byRecipient: { ProjectionType: 'KEYS_ONLY' },
    });
    expect(projections('inbound')).toEqual({
      byRecipient: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['subject', 'from'] },
      byDay: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['subject', 'from', 'envelopeRecipients'] },
    });
  });

  it('makes every table on-demand, point-in-time recoverable, KMS encrypted, protected and retained', () => {
    // Assess
    const tables = Object.values(s.template.findResources('AWS::DynamoDB::Table'));
    expect(tables).toHaveLength(Object.keys(TABLES).length);
    for (const table of tables) {
      expect(table.Properties).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        DeletionProtectionEnabled: true,
      });
      expect(table.DeletionPolicy).toBe('Retain');
      expect(table.UpdateReplacePolicy).toBe('Retain');
    }
  });

  it('lets a development stack destroy its tables when asked to', () => {
    // Assess
    for (const table of Object.values(destroy.template.findResources('AWS::DynamoDB::Table'))) {
      expect(table.Properties.DeletionProtectionEnabled).toBe(false);
      expect(table.DeletionPolicy).toBe('Delete');
    }
  });
});

describe('buckets', () => {
  it('blocks public access, encrypts and enforces TLS 1.2 on every bucket', () => {
    // Assess
    const buckets = s.template.findResources('AWS::S3::Bucket');
    const policies = Object.values(s.template.findResources('AWS::S3::BucketPolicy'));
    expect(Object.keys(buckets)).toHaveLength(3);
    for (const [id, bucket] of Object.entries(buckets)) {
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe(
        'AES256',
      );
      expect(bucket.Properties.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
      const statements = policies
        .filter((p) => JSON.stringify(p.Properties.Bucket) === JSON.stringify({ Ref: id }))
        .flatMap((p) => p.Properties.PolicyDocument.Statement);
      expect(statements).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
      expect(statements).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
      );
    }
  });

  it('versions the payload and inbound buckets and logs their access to the access-log bucket', () => {
    // Prepare
    const buckets = s.template.findResources('AWS::S3::Bucket');
    const logs = logicalId(s.stack.tables.accessLogsBucket);

    // Assess
    for (const bucket of [s.stack.tables.payloadBucket, s.stack.inbound!.bucket]) {
      const props = buckets[logicalId(bucket)]!.Properties;
      expect(props.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      expect(props.LoggingConfiguration.DestinationBucketName).toEqual({ Ref: logs });
      expect(props.LifecycleConfiguration.Rules).toContainEqual(
        expect.objectContaining({
          NoncurrentVersionExpiration: { NoncurrentDays: 30 },
          Status: 'Enabled',
        }),
      );
    }
    expect(buckets[logs]!.Properties.LifecycleConfiguration.Rules).toContainEqual(expect.objectContaining({ ExpirationInDays: 30 }));
  });
});
