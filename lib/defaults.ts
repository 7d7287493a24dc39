/**
 * Secure defaults, in one place: every Lambda, queue, table, bucket, topic and log group in
 * the stack is built by these helpers, so a reviewer checks encryption, TLS, retention, DLQs
 * and least privilege here once.
 */
import { fileURLToPath } from 'node:url';
import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { WORK_QUEUE_RETENTION_SECONDS } from '../src/config/fields.js';
import { commonEnvironment } from '../src/config/lambda-env.js';
import type { OperationsConfig } from './config.js';
import { cdkBundling } from './bundling.js';
import { acknowledge, acknowledgeObjectAccess } from './nag.js';

/** Newest Node.js runtime aws-cdk-lib offers; bundles target Node 20 so the code also runs there. */
export const LAMBDA_RUNTIME = lambda.Runtime.NODEJS_24_X;
export const LAMBDA_ARCHITECTURE = lambda.Architecture.ARM_64;
export { BUNDLE_TARGET } from './bundling.js';
/** SQS keeps DLQ messages at most 14 days; keep them that long so nobody loses evidence. */
export const DLQ_RETENTION = Duration.days(14);

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Absolute path of a file in this repository (handler entries, lock file). */
export function repoPath(relative: string): string {
  return fileURLToPath(new URL(`../${relative}`, import.meta.url));
}

/**
 * Object-level access with exactly these actions (bucket.grant* would add wildcard actions
 * such as s3:GetObject* and s3:List*) under the given key prefixes, acknowledged for the key
 * wildcard of each prefix.
 */
export function grantObjectAccess(role: iam.Role, bucket: s3.IBucket, actions: readonly string[], reason: string, prefixes: readonly string[]): void {
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...actions], resources: prefixes.map((prefix) => bucket.arnForObjects(`${prefix}*`)) }));
  for (const prefix of prefixes) acknowledgeObjectAccess(role, bucket, reason, prefix);
}

export function removalPolicy(ops: OperationsConfig): RemovalPolicy {
  return ops.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
}

export interface MailroomFunctionProps {
  /** Handler entry, relative to the repository root (e.g. lambdas/send/email.ts). */
  readonly entry: string;
  readonly description: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly operations: OperationsConfig;
  /** @default 30 seconds */
  readonly timeout?: Duration;
  /** @default 256 */
  readonly memorySize?: number;
  /** Powertools service name (logs and metric dimension). */
  readonly serviceName: string;
  /** Where failed asynchronous invocations go (SNS and CloudWatch Logs invoke asynchronously). */
  readonly deadLetterQueue?: sqs.IQueue;
  /** Why the role needs Resource "*" besides X-Ray; acknowledged with the X-Ray reason. @default none */
  readonly wildcardResourceReason?: string;
}

/**
 * A Node.js Lambda with Mailroom's defaults: ARM64, newest runtime, local esbuild (no Docker)
 * producing minified ESM with source maps, its own log group with retention, JSON logs,
 * X-Ray tracing, and a role that may write only to its own log group (no AWS managed policy).
 */
export class MailroomFunction extends Construct {
  public readonly function: nodejs.NodejsFunction;
  public readonly role: iam.Role;
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: MailroomFunctionProps) {
    super(scope, id);
    const ops = props.operations;
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: ops.logRetentionDays as logs.RetentionDays,
      removalPolicy: removalPolicy(ops),
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.description} (execution role)`,
    });
    this.logGroup.grantWrite(this.role);
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: repoPath(props.entry),
      handler: 'handler',
      description: props.description,
      runtime: LAMBDA_RUNTIME,
      architecture: LAMBDA_ARCHITECTURE,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(30),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      tracing: ops.tracing ? lambda.Tracing.ACTIVE : lambda.Tracing.DISABLED,
      deadLetterQueue: props.deadLetterQueue,
      environment: {
        ...commonEnvironment({ operations: ops }),
        ...props.environment,
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        NODE_OPTIONS: '--enable-source-maps',
      },
      projectRoot: REPO_ROOT,
      depsLockFilePath: repoPath('package-lock.json'),
      bundling: cdkBundling({ bundleAwsSdk: ops.bundleAwsSdk }),
    });
    // One acknowledgement per finding id and construct, so the reasons for Resource "*" are joined.
    const starReasons = [
      ...(props.wildcardResourceReason ? [props.wildcardResourceReason] : []),
      ...(ops.tracing ? ['X-Ray PutTraceSegments/PutTelemetryRecords have no resource-level permissions (https://docs.aws.amazon.com/xray/latest/devguide/security_iam_service-with-iam.html).'] : []),
    ];
    if (starReasons.length) acknowledge(this.role, 'AwsSolutions-IAM5[Resource::*]', starReasons.join(' '));
  }
}


/** A DLQ: encrypted, TLS only, kept the SQS maximum of 14 days. */
export function deadLetterQueue(scope: Construct, id: string): sqs.Queue {
  return new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: DLQ_RETENTION,
  });
}

/** The DLQ of an SNS subscription (its RedrivePolicy), which cdk-nag cannot see as a DLQ. */
export function subscriptionDeadLetterQueue(scope: Construct, id: string): sqs.Queue {
  const queue = deadLetterQueue(scope, id);
  acknowledge(queue, 'AwsSolutions-SQS3',
    'This queue is the dead-letter queue of an SNS subscription (RedrivePolicy on AWS::SNS::Subscription), which cdk-nag does not recognize as a DLQ.');
  return queue;
}

export interface WorkQueueProps {
  readonly visibilityTimeout: Duration;
  readonly maxReceiveCount: number;
}

/** A work queue with its own DLQ: encrypted, TLS only, redrive after `maxReceiveCount`. */
export function workQueue(scope: Construct, id: string, props: WorkQueueProps): { queue: sqs.Queue; dlq: sqs.Queue } {
  const dlq = deadLetterQueue(scope, `${id}Dlq`);
  const queue = new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    visibilityTimeout: props.visibilityTimeout,
    retentionPeriod: Duration.seconds(WORK_QUEUE_RETENTION_SECONDS),
    deadLetterQueue: { queue: dlq, maxReceiveCount: props.maxReceiveCount },
  });
  return { queue, dlq };
}

/** DynamoDB defaults: on-demand, point-in-time recovery, AWS-managed KMS key, deletion protection. */
export function tableDefaults(ops: OperationsConfig): Pick<dynamodb.TableProps,
  'billingMode' | 'pointInTimeRecoverySpecification' | 'encryption' | 'deletionProtection' | 'removalPolicy'> {
  return {
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
    deletionProtection: ops.deletionProtection,
    removalPolicy: removalPolicy(ops),
  };
}

export interface PrivateBucketProps {
  readonly operations: OperationsConfig;
  /** Where S3 server access logs go. */
  readonly accessLogs: s3.IBucket;
  readonly accessLogsPrefix: string;
  readonly lifecycleRules?: s3.LifecycleRule[];
}

/**
 * A private bucket: public access blocked, TLS enforced, SSE-S3, versioned (noncurrent
 * versions expire after 30 days), object ownership enforced (no ACLs), access logs on.
 */
export function privateBucket(scope: Construct, id: string, props: PrivateBucketProps): s3.Bucket {
  return new s3.Bucket(scope, id, {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    encryption: s3.BucketEncryption.S3_MANAGED,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    versioned: true,
    serverAccessLogsBucket: props.accessLogs,
    serverAccessLogsPrefix: props.accessLogsPrefix,
    // 'destroy' deletes the bucket only once it is empty: emptying it is left to the operator
    // on purpose (no auto-delete custom resource that could wipe mail by accident).
    removalPolicy: removalPolicy(props.operations),
    lifecycleRules: [
      { id: 'noncurrent-versions', noncurrentVersionExpiration: Duration.days(30) },
      { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ...(props.lifecycleRules ?? []),
    ],
  });
}

/** The bucket that receives the other buckets' server access logs. */
export function accessLogsBucket(scope: Construct, id: string, ops: OperationsConfig): s3.Bucket {
  const bucket = new s3.Bucket(scope, id, {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    encryption: s3.BucketEncryption.S3_MANAGED,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    removalPolicy: removalPolicy(ops),
    lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(ops.logRetentionDays) }],
  });
  acknowledge(bucket, 'AwsSolutions-S1', 'This is the server access log bucket itself; logging it into itself would loop.');
  return bucket;
}

/**
 * The customer-managed key for the SNS topics. A CMK (not alias/aws/sns) because AWS
 * services that publish to the topics (SES, CloudWatch alarms) can only use a key whose
 * policy names them (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html).
 */
export function topicKey(scope: Construct, id: string, ops: OperationsConfig): kms.Key {
  return new kms.Key(scope, id, {
    description: 'Mailroom: encrypts the SNS topics (tracking events, inbound notifications, alarms)',
    enableKeyRotation: true,
    removalPolicy: removalPolicy(ops),
  });
}

/**
 * Lets an AWS service principal publish to topics encrypted with `key`. Which topic it may
 * publish to is decided by each topic's policy (scoped with aws:SourceAccount/aws:SourceArn).
 * The key is usable by the service only for SNS topics of this account and region: SNS puts
 * the topic ARN in the encryption context (`aws:sns:topicArn`), so the service cannot use the
 * key for a topic another account created with it (confused deputy). Naming the exact topics
 * is impossible here: they reference the key, so the key policy referencing them would be a
 * circular dependency.
 */
export function allowServiceToUseKey(key: kms.IKey, service: string): void {
  const stack = Stack.of(key);
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: `Allow${service.split('.')[0]}ToPublishToEncryptedTopics`,
    principals: [new iam.ServicePrincipal(service)],
    actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
    resources: ['*'],
    conditions: {
      StringLike: { 'kms:EncryptionContext:aws:sns:topicArn': stack.formatArn({ service: 'sns', resource: '*', arnFormat: ArnFormat.NO_RESOURCE_NAME }) },
    },
  }));
}

/** An SNS topic encrypted with `key` whose policy refuses publishers not using TLS. */
export function secureTopic(scope: Construct, id: string, key: kms.IKey, displayName: string): sns.Topic {
  return new sns.Topic(scope, id, { masterKey: key, enforceSSL: true, displayName });
}
