/**
 * Secure defaults, in one place: every Lambda, queue, table, bucket, topic and log group in
 * the stack is built by these helpers, so a reviewer checks encryption, TLS, retention, DLQs
 * and least privilege here once.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
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
import { commonEnvironment } from '../src/config/lambda-env.js';
import { WORK_QUEUE_RETENTION_SECONDS } from '../src/contract/config-fields.js';
import { ConfigError } from '../src/errors.js';
import { cdkBundling } from './bundling.js';
import type { EncryptionConfig, OperationsConfig } from './config.js';
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
export function grantObjectAccess(
  role: iam.Role,
  bucket: s3.IBucket,
  actions: readonly string[],
  reason: string,
  prefixes: readonly string[],
): void {
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: [...actions], resources: prefixes.map((prefix) => bucket.arnForObjects(`${prefix}*`)) }),
  );
  for (const prefix of prefixes) acknowledgeObjectAccess(role, bucket, reason, prefix);
  // An SSE-KMS bucket (config encryption.dataKey): reading needs kms:Decrypt, writing
  // kms:GenerateDataKey (and Decrypt for multipart uploads), only through S3.
  if (bucket.encryptionKey) {
    const keyActions = [
      ...new Set(
        actions.flatMap((a) =>
          a === 's3:PutObject' ? ['kms:GenerateDataKey', 'kms:Decrypt'] : a === 's3:GetObject' ? ['kms:Decrypt'] : [],
        ),
      ),
    ];
    if (keyActions.length === 0) return;
    const stack = Stack.of(bucket);
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: keyActions,
        resources: [bucket.encryptionKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${stack.region}.${stack.urlSuffix}` } },
      }),
    );
  }
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
  /** Reserved concurrency (public functions: lib/public-endpoint.ts). @default none */
  readonly reservedConcurrency?: number;
}

/**
 * A Node.js Lambda with Mailroom's defaults: ARM64, newest runtime, local esbuild (no Docker)
 * producing minified ESM with source maps, its own log group with retention, JSON logs,
 * X-Ray tracing, and a role that may write only to its own log group (no AWS managed policy).
 */
export class MailroomFunction extends Construct {
  public readonly function: lambda.Function;
  public readonly role: iam.Role;
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: MailroomFunctionProps) {
    super(scope, id);
    const ops = props.operations;
    this.logGroup = logGroup(this, 'Logs', ops);
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.description} (execution role)`,
    });
    this.logGroup.grantWrite(this.role);
    const functionProps = {
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
      reservedConcurrentExecutions: props.reservedConcurrency,
      environment: {
        ...commonEnvironment({ operations: ops }),
        ...props.environment,
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        NODE_OPTIONS: '--enable-source-maps',
      },
    };
    const prebundled = prebundledAsset(props.entry, ops);
    this.function = prebundled
      ? new lambda.Function(this, 'Function', { ...functionProps, code: lambda.Code.fromAsset(prebundled), handler: 'index.handler' })
      : new nodejs.NodejsFunction(this, 'Function', {
          ...functionProps,
          entry: repoPath(props.entry),
          handler: 'handler',
          projectRoot: REPO_ROOT,
          depsLockFilePath: repoPath('package-lock.json'),
          bundling: cdkBundling({ bundleAwsSdk: ops.bundleAwsSdk }),
        });
    // One acknowledgement per finding id and construct, so the reasons for Resource "*" are joined.
    const starReasons = [
      ...(props.wildcardResourceReason ? [props.wildcardResourceReason] : []),
      ...(ops.tracing
        ? [
            'X-Ray PutTraceSegments/PutTelemetryRecords have no resource-level permissions (https://docs.aws.amazon.com/xray/latest/devguide/security_iam_service-with-iam.html).',
          ]
        : []),
    ];
    if (starReasons.length) acknowledge(this.role, 'AwsSolutions-IAM5[Resource::*]', starReasons.join(' '));
    if (dataKey(this)) acknowledgeDataKeyGrants(this.role);
  }
}

// ---- Customer-managed data key (config encryption.dataKey) ---------------------------------

const DATA_KEY_ID = 'DataKey';

/**
 * Creates or imports the customer-managed key of config encryption.dataKey, once per stack,
 * before any other resource: the helpers below find it with dataKey(scope), so every bucket,
 * table, queue and log group picks it up without each call site passing it along.
 */
export function createDataKey(stack: Stack, encryption: EncryptionConfig, ops: OperationsConfig): kms.IKey | undefined {
  const cfg = encryption.dataKey;
  if (!cfg) return undefined;
  if ('arn' in cfg) return kms.Key.fromKeyArn(stack, DATA_KEY_ID, cfg.arn);
  const key = new kms.Key(stack, DATA_KEY_ID, {
    description: 'Mailroom: encrypts stored mail and messages (buckets, tables, queues, log groups)',
    enableKeyRotation: true,
    removalPolicy: removalPolicy(ops),
  });
  const serviceUse = (sid: string, service: string, actions: string[], conditions: Record<string, unknown>) =>
    key.addToResourcePolicy(
      new iam.PolicyStatement({ sid, principals: [new iam.ServicePrincipal(service)], actions, resources: ['*'], conditions }),
    );
  // CloudWatch Logs encrypts log groups of this account and region only
  // (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html).
  serviceUse(
    'AllowLogsToEncryptLogGroups',
    `logs.${stack.region}.${stack.urlSuffix}`,
    ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    {
      ArnLike: {
        'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: '*',
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      },
    },
  );
  // SES writes received mail into the (SSE-KMS) inbound bucket through S3, for this account only.
  serviceUse('AllowSesToStoreMailThroughS3', 'ses.amazonaws.com', ['kms:GenerateDataKey', 'kms:Decrypt'], {
    StringEquals: { 'aws:SourceAccount': stack.account, 'kms:ViaService': `s3.${stack.region}.${stack.urlSuffix}` },
  });
  // SNS moves undeliverable messages into the (SSE-KMS) subscription DLQs.
  serviceUse('AllowSnsToUseSubscriptionDlqs', 'sns.amazonaws.com', ['kms:GenerateDataKey', 'kms:Decrypt'], {
    StringEquals: { 'aws:SourceAccount': stack.account, 'kms:ViaService': `sqs.${stack.region}.${stack.urlSuffix}` },
  });
  return key;
}

/** The stack's customer-managed data key, when config encryption.dataKey asks for one. */
export function dataKey(scope: Construct): kms.IKey | undefined {
  return Stack.of(scope).node.tryFindChild(DATA_KEY_ID) as kms.IKey | undefined;
}

/**
 * aws-cdk-lib's grants on an encrypted queue or table add `kms:GenerateDataKey*` and
 * `kms:ReEncrypt*` on the key (SQS and DynamoDB call them on the caller's behalf).
 */
export function acknowledgeDataKeyGrants(role: iam.IRole): void {
  const reason =
    'aws-cdk-lib grants on the SSE-KMS queues and tables (config encryption.dataKey) name these KMS action families; the resource is that one key.';
  acknowledge(role, 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', reason);
  acknowledge(role, 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]', reason);
}

/** A log group with the configured retention, encrypted with the data key when there is one. */
export function logGroup(scope: Construct, id: string, ops: OperationsConfig, logGroupName?: string): logs.LogGroup {
  return new logs.LogGroup(scope, id, {
    logGroupName,
    retention: ops.logRetentionDays as logs.RetentionDays,
    removalPolicy: removalPolicy(ops),
    encryptionKey: dataKey(scope),
  });
}

/** Folder of an entry's pre-bundled code in the package: dist/lambdas/<name>/index.mjs (lambdas/send/email.ts → send-email). */
export function prebundledName(entry: string): string {
  return entry
    .replace(/^lambdas\//, '')
    .replace(/\.ts$/, '')
    .replaceAll('/', '-');
}

/**
 * The pre-bundled code of an entry when this file runs from the installed package
 * (dist/lib/defaults.js beside dist/lambdas/), so a user's synth needs no esbuild and no
 * source; undefined in the repository, where NodejsFunction bundles the source.
 */
function prebundledAsset(entry: string, ops: OperationsConfig): string | undefined {
  const dir = fileURLToPath(new URL(`../lambdas/${prebundledName(entry)}/`, import.meta.url));
  if (!existsSync(join(dir, 'index.mjs'))) return undefined;
  if (ops.bundleAwsSdk) {
    throw new ConfigError([
      'operations.bundleAwsSdk: the installed package ships bundles that use the Lambda runtime\'s AWS SDK; bundling the SDK needs a checkout of the repository (README, "Configuration")',
    ]);
  }
  return dir;
}

/** SQS-managed SSE, or SSE-KMS with the data key. */
function queueEncryption(scope: Construct): Pick<sqs.QueueProps, 'encryption' | 'encryptionMasterKey'> {
  const key = dataKey(scope);
  return key ? { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: key } : { encryption: sqs.QueueEncryption.SQS_MANAGED };
}

/** A DLQ: encrypted, TLS only, kept the SQS maximum of 14 days. */
export function deadLetterQueue(scope: Construct, id: string): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
    ...queueEncryption(scope),
    enforceSSL: true,
    retentionPeriod: DLQ_RETENTION,
  });
  acknowledge(
    queue,
    'Serverless-SQSRedrivePolicy',
    'This queue is itself a dead-letter queue: nothing consumes it automatically, and a DLQ of a DLQ would only move the evidence; its depth alarm fires on the first message.',
  );
  return queue;
}

/** The DLQ of an SNS subscription (its RedrivePolicy), which cdk-nag cannot see as a DLQ. */
export function subscriptionDeadLetterQueue(scope: Construct, id: string): sqs.Queue {
  const queue = deadLetterQueue(scope, id);
  acknowledge(
    queue,
    'AwsSolutions-SQS3',
    'This queue is the dead-letter queue of an SNS subscription (RedrivePolicy on AWS::SNS::Subscription), which cdk-nag does not recognize as a DLQ.',
  );
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
    ...queueEncryption(scope),
    enforceSSL: true,
    visibilityTimeout: props.visibilityTimeout,
    retentionPeriod: Duration.seconds(WORK_QUEUE_RETENTION_SECONDS),
    deadLetterQueue: { queue: dlq, maxReceiveCount: props.maxReceiveCount },
  });
  return { queue, dlq };
}

/** DynamoDB defaults: on-demand, point-in-time recovery, AWS-managed KMS key (or the data key), deletion protection. */
export function tableDefaults(
  ops: OperationsConfig,
  key?: kms.IKey,
): Pick<
  dynamodb.TableProps,
  'billingMode' | 'pointInTimeRecoverySpecification' | 'encryption' | 'encryptionKey' | 'deletionProtection' | 'removalPolicy'
> {
  return {
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    ...(key
      ? { encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED, encryptionKey: key }
      : { encryption: dynamodb.TableEncryption.AWS_MANAGED }),
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
 * A private bucket: public access blocked, TLS enforced, SSE-S3 (or SSE-KMS with the data key), versioned (noncurrent
 * versions expire after 30 days), object ownership enforced (no ACLs), access logs on.
 */
export function privateBucket(scope: Construct, id: string, props: PrivateBucketProps): s3.Bucket {
  const key = dataKey(scope);
  return new s3.Bucket(scope, id, {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    // S3 Bucket Keys cut the KMS requests (and their cost) by orders of magnitude.
    ...(key
      ? { encryption: s3.BucketEncryption.KMS, encryptionKey: key, bucketKeyEnabled: true }
      : { encryption: s3.BucketEncryption.S3_MANAGED }),
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

/**
 * Expires the current objects under `prefix` after `days` (config `retention`); none when
 * kept forever. The buckets are versioned: expiry adds a delete marker and the
 * noncurrent-versions rule removes the data 30 days later.
 */
export function expireUnder(prefix: string, days: number | null): s3.LifecycleRule[] {
  return days === null
    ? []
    : [{ id: `expire-${prefix.replace(/\/$/, '').replace(/[^A-Za-z0-9-]/g, '-')}`, prefix, expiration: Duration.days(days) }];
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
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: `Allow${service.split('.')[0]}ToPublishToEncryptedTopics`,
      principals: [new iam.ServicePrincipal(service)],
      actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
      resources: ['*'],
      conditions: {
        StringLike: {
          'kms:EncryptionContext:aws:sns:topicArn': stack.formatArn({
            service: 'sns',
            resource: '*',
            arnFormat: ArnFormat.NO_RESOURCE_NAME,
          }),
        },
      },
    }),
  );
}

/**
 * An SNS topic encrypted with `key` whose policy refuses publishers not using TLS. Messages
 * are signed with SignatureVersion 2 (RSA-SHA256) rather than SHA1
 * (https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html).
 */
export function secureTopic(scope: Construct, id: string, key: kms.IKey, displayName: string): sns.Topic {
  return new sns.Topic(scope, id, { masterKey: key, enforceSSL: true, displayName, signatureVersion: '2' });
}

/**
 * Denies sns:Publish on the topic to everyone the condition does not exempt: a Deny beats
 * any identity policy, so no principal of the account (admins included) can forge a message
 * that passes the signature check. `exempt` names the publishers, e.g. `{ StringNotEquals:
 * { 'aws:SourceArn': <configuration set ARN> } }`: the Deny applies when the condition holds.
 */
export function denyPublishExcept(topic: sns.Topic, sid: string, exempt: Record<string, Record<string, unknown>>): void {
  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid,
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: exempt,
    }),
  );
}
