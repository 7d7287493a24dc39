/**
 * SendPipeline: per channel (email, sms) an SQS queue with its DLQ and a send Lambda fed by
 * an SQS event source. The event source's maximum concurrency bounds how many Lambdas send at
 * once, and each Lambda limits itself to maxSendRate / maxConcurrency, so a burst of 10,000
 * messages drains at the account's rate instead of burning retries on throttling.
 *
 * IAM is least privilege: what the channel's provider instances need, as their kinds say
 * (lib/provider-grants.ts; no SES permission when email uses no `ses` instance), and their
 * secrets only; the handler's own queue and DLQ; the tables it uses; and, in the payload bucket, its own
 * channel's prefix of bodies too large to go to SQS with their reason attributes.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { sendEnvironment } from '../src/config/lambda-env.js';
import { ENV } from '../src/config/runtime.js';
import { WORK_QUEUE_RETENTION_SECONDS } from '../src/contract/config-fields.js';
import { SQS_BODY_PREFIX, sqsBodyPrefix } from '../src/send/oversize.js';
import { type AlarmTarget, dlqDepthAlarm, functionErrorsAlarm, metricAlarm } from './alarms.js';
import type { ChannelConfig, MailroomConfig } from './config.js';
import { DLQ_RETENTION, grantObjectAccess, MailroomFunction, workQueue } from './defaults.js';
import { acknowledge } from './nag.js';
import { applyStatements, providerStatements, starReasons } from './provider-grants.js';
import { sendPolicyWarnings, smsGuardrailAlarms } from './send-policy.js';
import type { MailroomTables } from './tables.js';

export type Channel = 'email' | 'sms';
/** One entry per channel, so each bundle carries only its own schema and adapter. */
export const SEND_ENTRIES = { email: 'lambdas/send/email.ts', sms: 'lambdas/send/sms.ts' } as const;

export interface SendPipelineProps {
  readonly config: Pick<MailroomConfig, 'ses' | 'email' | 'sms' | 'providers' | 'send' | 'operations' | 'retention'>;
  readonly tables: MailroomTables;
  /** @default - alarms without actions */
  readonly alarms?: AlarmTarget;
}

/** One channel's queue, DLQ and Lambda. */
export interface ChannelResources {
  readonly queue: sqs.Queue;
  readonly dlq: sqs.Queue;
  readonly function: MailroomFunction;
}

/** Transient send errors tolerated per 5 minutes before alarming (throttling happens). */
export const ERRORED_ALARM_THRESHOLD = 10;

export class SendPipeline extends Construct {
  public readonly email: ChannelResources;
  public readonly sms: ChannelResources;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: SendPipelineProps,
  ) {
    super(scope, id);
    this.email = this.channel('email', props.config.email);
    this.sms = this.channel('sms', props.config.sms);
    this.expireBodies();
    this.grantAttachmentReads(this.email.function.role);
    smsGuardrailAlarms(this, props.config.sms, 'mailroom-send-sms', props.alarms ?? {});
    sendPolicyWarnings(this, props.config.email, props.config.sms);
  }

  private channel(channel: Channel, cfg: ChannelConfig): ChannelResources {
    const { send, operations } = this.props.config;
    const grants = providerStatements(this, this.props.config, channel);
    const title = channel === 'email' ? 'Email' : 'Sms';
    const { queue, dlq } = workQueue(this, `${title}Queue`, {
      visibilityTimeout: Duration.seconds(send.visibilityTimeoutSeconds),
      maxReceiveCount: send.maxReceiveCount,
    });
    const tables = this.props.tables;
    const service = `mailroom-send-${channel}`;
    const fn = new MailroomFunction(this, `${title}Sender`, {
      entry: SEND_ENTRIES[channel],
      description: `Mailroom: sends ${channel} messages from the ${channel} queue`,
      serviceName: service,
      operations,
      timeout: Duration.seconds(send.timeoutSeconds),
      memorySize: send.memoryMiB,
      wildcardResourceReason: starReasons(grants),
      environment: {
        [ENV.queueUrl]: queue.queueUrl,
        [ENV.dlqUrl]: dlq.queueUrl,
        [ENV.messagesTable]: tables.tables.messages.tableName,
        [ENV.suppressionsTable]: tables.tables.suppressions.tableName,
        [ENV.payloadBucket]: tables.payloadBucket.bucketName,
        ...sendEnvironment(this.props.config, channel, Stack.of(this).account),
      },
    });
    applyStatements(fn.role, grants);
    fn.function.addEventSource(
      new sources.SqsEventSource(queue, {
        batchSize: cfg.batchSize,
        reportBatchItemFailures: true,
        maxConcurrency: cfg.maxConcurrency,
      }),
    );
    acknowledge(
      fn.function,
      'Serverless-LambdaDLQ',
      "Fed by an SQS event source (synchronous polling): failed messages go to the queue's own DLQ (redrive policy, and the handler dead-letters with the reason); a Lambda DLQ applies to asynchronous invocations only.",
    );
    acknowledge(
      fn.function,
      'Serverless-LambdaEventSourceMappingDestination',
      "SQS event source mappings take no on-failure destination; the queue's redrive policy moves failed messages to its DLQ (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html).",
    );
    // The handler applies exponential backoff through the visibility timeout (the event
    // source already grants sqs:ChangeMessageVisibility on the queue), puts a fresh copy back
    // on its queue for waits that must not use up the receive count (sendAt), and moves
    // poison messages to the DLQ itself, with the reason.
    queue.grantSendMessages(fn.role);
    dlq.grantSendMessages(fn.role);
    tables.grantReadWrite(fn.role, 'messages');
    tables.grantRead(fn.role, 'suppressions');
    // A body too large to go to SQS with its reason attributes goes by reference: written
    // under this channel's prefix, read back when the entry is redriven (src/send/oversize.ts).
    grantObjectAccess(
      fn.role,
      tables.payloadBucket,
      ['s3:PutObject', 's3:GetObject'],
      `Stores and reads ${channel} bodies too large for SQS with their attributes, under keys it derives from each body's SHA-256.`,
      [sqsBodyPrefix(channel)],
    );

    const alarms = this.props.alarms ?? {};
    dlqDepthAlarm(this, `${title}DlqDepth`, dlq, `the ${channel} queue`, alarms);
    functionErrorsAlarm(this, `${title}SenderErrors`, fn.function, `${channel} send`, alarms);
    metricAlarm(
      this,
      `${title}Failed`,
      {
        metricName: 'failed',
        service,
        threshold: 1,
        description: `${channel} messages failed permanently (invalid, rejected or out of retries).`,
      },
      alarms,
    );
    metricAlarm(
      this,
      `${title}Errored`,
      {
        metricName: 'errored',
        service,
        threshold: ERRORED_ALARM_THRESHOLD,
        description: `${channel} sends hit ${ERRORED_ALARM_THRESHOLD}+ transient errors in 5 minutes (throttling or provider outage).`,
      },
      alarms,
    );
    return { queue, dlq, function: fn };
  }

  /**
   * By-reference bodies are needed while their DLQ entry (DLQ retention) and then its redriven
   * or re-enqueued copy (at most the work queue's 4-day retention; every re-enqueue writes the
   * object again) can still point at them.
   */
  private expireBodies(): void {
    this.props.tables.payloadBucket.addLifecycleRule({
      id: 'expire-sqs-bodies',
      prefix: SQS_BODY_PREFIX,
      expiration: DLQ_RETENTION.plus(Duration.seconds(WORK_QUEUE_RETENTION_SECONDS)).plus(Duration.days(1)),
    });
  }

  /** Attachments referenced with `s3: {bucket, key}` (send.attachmentBuckets): read-only, objects only. */
  private grantAttachmentReads(role: iam.IRole): void {
    const stack = Stack.of(this);
    const { send } = this.props.config;
    // Only the configured key prefixes, and only while the bucket is owned by the configured
    // account (a deleted bucket's name taken over by another account no longer matches); the
    // send path also passes ExpectedBucketOwner (MAILROOM_ATTACHMENT_BUCKET_OWNERS).
    send.attachmentBuckets.forEach((b, i) => {
      const resources = b.prefixes.map((prefix) => `arn:${stack.partition}:s3:::${b.bucket}/${prefix}*`);
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: `ReadAttachments${i}`,
          actions: ['s3:GetObject'],
          resources,
          conditions: { StringEquals: { 's3:ResourceAccount': b.account ?? stack.account } },
        }),
      );
      for (const prefix of b.prefixes) {
        acknowledge(
          role,
          `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${b.bucket}/${prefix}*]`,
          `Producers reference attachments by key under ${b.bucket}/${prefix} (config send.attachmentBuckets); keys are not known in advance.`,
        );
      }
    });
  }
}
