/**
 * MailroomTables: the four DynamoDB tables, built by looping over the one key design in
 * src/store/tables.ts (so the deployed tables, the local tables and the store code can never
 * disagree), plus the payload bucket (large raw events and bodies) and the bucket that
 * receives the S3 server access logs.
 */
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { BODIES_PREFIX } from '../src/inbound/bodies.js';
import { EVENT_PAYLOAD_PREFIX, TABLES, type TableDef, type TableName } from '../src/store/tables.js';
import type { OperationsConfig, RetentionConfig } from './config.js';
import { accessLogsBucket, dataKey, expireUnder, privateBucket, tableDefaults } from './defaults.js';
import { acknowledgeIndexAccess } from './nag.js';

export interface MailroomTablesProps {
  readonly operations: OperationsConfig;
  /** Lifecycle of the payload bucket: raw events (eventsDays) and inbound bodies (bodiesDays). */
  readonly retention: RetentionConfig;
}

export class MailroomTables extends Construct {
  /** One table per entry of TABLES, keyed the same way. */
  public readonly tables: Readonly<Record<TableName, dynamodb.Table>>;
  /** Raw provider events and bodies too large for an item; items hold a pointer. */
  public readonly payloadBucket: s3.Bucket;
  /** Receives the S3 server access logs of every Mailroom bucket. */
  public readonly accessLogsBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: MailroomTablesProps) {
    super(scope, id);
    const entries = (Object.keys(TABLES) as TableName[]).map(
      (name) => [name, buildTable(this, name, TABLES[name], props.operations)] as const,
    );
    this.tables = Object.fromEntries(entries) as Record<TableName, dynamodb.Table>;
    this.accessLogsBucket = accessLogsBucket(this, 'AccessLogs', props.operations);
    this.payloadBucket = privateBucket(this, 'Payloads', {
      operations: props.operations,
      accessLogs: this.accessLogsBucket,
      accessLogsPrefix: 'payloads/',
      lifecycleRules: [
        ...expireUnder(EVENT_PAYLOAD_PREFIX, props.retention.eventsDays),
        ...expireUnder(BODIES_PREFIX, props.retention.bodiesDays),
      ],
    });
  }

  /** Read/write item access (indexes included) to the named tables. */
  grantReadWrite(role: iam.IRole, ...names: TableName[]): void {
    for (const name of names) {
      this.tables[name].grantReadWriteData(role);
      this.acknowledgeIndexes(role, name);
    }
  }

  /** Read-only item access (indexes included) to the named tables. */
  grantRead(role: iam.IRole, ...names: TableName[]): void {
    for (const name of names) {
      this.tables[name].grantReadData(role);
      this.acknowledgeIndexes(role, name);
    }
  }

  /** grant*Data also covers `<table>/index/*` when the table has indexes: that is the intent. */
  private acknowledgeIndexes(role: iam.IRole, name: TableName): void {
    if (Object.keys(TABLES[name].indexes).length > 0) acknowledgeIndexAccess(role, this.tables[name]);
  }
}

const attr = (name: string): dynamodb.Attribute => ({ name, type: dynamodb.AttributeType.STRING });

function buildTable(scope: Construct, name: string, def: TableDef, ops: OperationsConfig): dynamodb.Table {
  const id = `${name[0]!.toUpperCase()}${name.slice(1)}Table`;
  const table = new dynamodb.Table(scope, id, {
    ...tableDefaults(ops, dataKey(scope)),
    partitionKey: attr(def.partitionKey),
    sortKey: def.sortKey ? attr(def.sortKey) : undefined,
    timeToLiveAttribute: def.ttlAttribute,
  });
  for (const [indexName, index] of Object.entries(def.indexes)) {
    table.addGlobalSecondaryIndex({
      indexName,
      partitionKey: attr(index.partitionKey),
      sortKey: index.sortKey ? attr(index.sortKey) : undefined,
      ...(index.projection === 'keys'
        ? { projectionType: dynamodb.ProjectionType.KEYS_ONLY }
        : { projectionType: dynamodb.ProjectionType.INCLUDE, nonKeyAttributes: [...index.projection.include] }),
    });
  }
  return table;
}
