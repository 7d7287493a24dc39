/**
 * SendPipeline: per channel (email, sms) an SQS queue with its DLQ and a send Lambda fed by
 * an SQS event source. The event source's maximum concurrency bounds how many Lambdas send at
 * once, and each Lambda limits itself to maxSendRate / maxConcurrency, so a burst of 10,000
 * messages drains at the account's rate instead of burning retries on throttling.
 *
 * IAM is least privilege: SES sending only as the configured identities, through the
 * configuration set (and the allowed templates); SMS publish (which has no resource ARN);
 * the handler's own queue and DLQ; the tables it uses; and, in the payload bucket, its own
 * channel's prefix of bodies too large to go to SQS with their reason attributes.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '../src/config/runtime.js';
import { SQS_BODY_PREFIX, sqsBodyPrefix } from '../src/send/oversize.js';
import { dlqDepthAlarm, functionErrorsAlarm, metricAlarm, type AlarmTarget } from './alarms.js';
import { perInstanceSendRate } from './config.js';
import type { ChannelConfig, MailroomConfig } from './config-types.js';
import { DLQ_RETENTION, grantObjectAccess, MailroomFunction, workQueue } from './defaults.js';
import { acknowledge } from './nag.js';
import { fromAddressCondition, sendPolicyEnvironment, sendPolicyWarnings, smsGuardrailAlarms } from './send-policy.js';
import type { MailroomTables } from './tables.js';

export type Channel = 'email' | 'sms';
/** One entry per channel, so each bundle carries only its own schema and adapter. */
export const SEND_ENTRIES = { email: 'lambdas/send/email.ts', sms: 'lambdas/send/sms.ts' } as const;

export interface SendPipelineProps {
  readonly config: Pick<MailroomConfig, 'ses' | 'email' | 'sms' | 'send' | 'operations' | 'retention'>;
  readonly tables: MailroomTables;
  /** Name of the SES configuration set every email send uses (created by TrackingPipeline). */
  readonly configurationSetName: string;
  /** @default - alarms without actions */
  readonly alarms?: AlarmTarget;
}

/** One channel's queue, DLQ and Lambda. */
export interface ChannelResources {
  readonly queue: sqs.Queue;
  readonly dlq: sqs.Queue;
  readonly function: MailroomFunction;
}

const SMS_PUBLISH_REASON =
  'sns:Publish to a phone number (PhoneNumber parameter) has no resource ARN, so IAM needs Resource "*" (https://docs.aws.amazon.com/sns/latest/dg/sms_publish-to-phone.html).';

/** Transient send errors tolerated per 5 minutes before alarming (throttling happens). */
export const ERRORED_ALARM_THRESHOLD = 10;

export class SendPipeline extends Construct {
  public readonly email: ChannelResources;
  public readonly sms: ChannelResources;

  constructor(scope: Construct, id: string, private readonly props: SendPipelineProps) {
    super(scope, id);
    this.email = this.channel('email', props.config.email);
    this.sms = this.channel('sms', props.config.sms);
    this.expireBodies();
    this.grantEmailSending(this.email.function.role);
    this.grantSmsSending(this.sms.function.role);
    smsGuardrailAlarms(this, props.config.sms, 'mailroom-send-sms', props.alarms ?? {});
    sendPolicyWarnings(this, props.config.email, props.config.sms);
  }

  private channel(channel: Channel, cfg: ChannelConfig<string>): ChannelResources {
    const { send, operations, sms, retention } = this.props.config;
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
      wildcardResourceReason: channel === 'sms' ? SMS_PUBLISH_REASON : undefined,
      environment: definedOnly({
        [ENV.queueUrl]: queue.queueUrl,
        [ENV.dlqUrl]: dlq.queueUrl,
        [ENV.messagesTable]: tables.tables.messages.tableName,
        [ENV.suppressionsTable]: tables.tables.suppressions.tableName,
        [ENV.payloadBucket]: tables.payloadBucket.bucketName,
        [ENV.emailProvider]: this.props.config.email.provider,
        [ENV.smsProvider]: sms.provider,
        [ENV.maxSendRate]: String(perInstanceSendRate(cfg)),
        [ENV.maxReceiveCount]: String(send.maxReceiveCount),
        [ENV.backoffBaseSeconds]: String(send.backoffBaseSeconds),
        [ENV.backoffMaxSeconds]: String(send.backoffMaxSeconds),
        [ENV.ignoreUnsupportedFeatures]: String(send.ignoreUnsupportedFeatures),
        [ENV.configurationSet]: channel === 'email' ? this.props.configurationSetName : undefined,
        [ENV.attachmentBucketOwners]: channel === 'email' && send.attachmentBuckets.length
          ? send.attachmentBuckets.map((b) => `${b.bucket}=${b.account ?? Stack.of(this).account}`).join(',')
          : undefined,
        [ENV.messagesRetentionDays]: retention.messagesDays === null ? undefined : String(retention.messagesDays),
        [ENV.smsDefaultSenderId]: channel === 'sms' ? sms.senderId : undefined,
        [ENV.smsDefaultOriginationNumber]: channel === 'sms' ? sms.originationNumber : undefined,
        ...sendPolicyEnvironment(channel, this.props.config.email, sms),
      }),
    });
    fn.function.addEventSource(new sources.SqsEventSource(queue, {
      batchSize: cfg.batchSize,
      reportBatchItemFailures: true,
      maxConcurrency: cfg.maxConcurrency,
    }));
    acknowledge(fn.function, 'Serverless-LambdaDLQ',
      'Fed by an SQS event source (synchronous polling): failed messages go to the queue\'s own DLQ (redrive policy, and the handler dead-letters with the reason); a Lambda DLQ applies to asynchronous invocations only.');
    acknowledge(fn.function, 'Serverless-LambdaEventSourceMappingDestination',
      'SQS event source mappings take no on-failure destination; the queue\'s redrive policy moves failed messages to its DLQ (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html).');
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
    grantObjectAccess(fn.role, tables.payloadBucket, ['s3:PutObject', 's3:GetObject'],
      `Stores and reads ${channel} bodies too large for SQS with their attributes, under keys it derives from each body's SHA-256.`, [sqsBodyPrefix(channel)]);

    const alarms = this.props.alarms ?? {};
    dlqDepthAlarm(this, `${title}DlqDepth`, dlq, `the ${channel} queue`, alarms);
    functionErrorsAlarm(this, `${title}SenderErrors`, fn.function, `${channel} send`, alarms);
    metricAlarm(this, `${title}Failed`, {
      metricName: 'failed', service, threshold: 1,
      description: `${channel} messages failed permanently (invalid, rejected or out of retries).`,
    }, alarms);
    metricAlarm(this, `${title}Errored`, {
      metricName: 'errored', service, threshold: ERRORED_ALARM_THRESHOLD,
      description: `${channel} sends hit ${ERRORED_ALARM_THRESHOLD}+ transient errors in 5 minutes (throttling or provider outage).`,
    }, alarms);
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
      expiration: DLQ_RETENTION.plus(Duration.days(4 + 1)),
    });
  }

  /** SES v2 sending, scoped to the configured identities, configuration set, templates and From addresses. */
  private grantEmailSending(role: iam.IRole): void {
    const { ses, send, email } = this.props.config;
    const fromAllowed = fromAddressCondition(email);
    const stack = Stack.of(this);
    const arn = (resource: string, resourceName: string) => stack.formatArn({ service: 'ses', resource, resourceName });
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'SendAsConfiguredIdentities',
      actions: ['ses:SendEmail', 'ses:SendRawEmail', 'ses:SendBulkEmail'],
      resources: [
        ...ses.identities.map((identity) => arn('identity', identity)),
        arn('configuration-set', this.props.configurationSetName),
        ...ses.templates.map((template) => arn('template', template)),
      ],
      ...(fromAllowed ? { conditions: fromAllowed } : {}),
    }));
    if (ses.templates.includes('*')) {
      acknowledge(role, `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:template/*]`,
        'Messages name their stored SES template; any template of this account and region may be used. Restrict with config ses.templates.');
    }
    // Attachments: only the configured key prefixes, and only while the bucket is owned by
    // the configured account (a deleted bucket's name taken over by another account no longer
    // matches); the send path also passes ExpectedBucketOwner (MAILROOM_ATTACHMENT_BUCKET_OWNERS).
    send.attachmentBuckets.forEach((b, i) => {
      const resources = b.prefixes.map((prefix) => `arn:${stack.partition}:s3:::${b.bucket}/${prefix}*`);
      role.addToPrincipalPolicy(new iam.PolicyStatement({
        sid: `ReadAttachments${i}`,
        actions: ['s3:GetObject'],
        resources,
        conditions: { StringEquals: { 's3:ResourceAccount': b.account ?? stack.account } },
      }));
      for (const prefix of b.prefixes) {
        acknowledge(role, `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${b.bucket}/${prefix}*]`,
          `Producers reference attachments by key under ${b.bucket}/${prefix} (config send.attachmentBuckets); keys are not known in advance.`);
      }
    });
  }

  /**
   * SNS SMS: publishing to a phone number has no resource ARN, so the resource must be '*'
   * (acknowledged with SMS_PUBLISH_REASON). That '*' would also cover every topic, the
   * tracking topic included, so publishing to topics is denied: the role can send SMS only.
   */
  private grantSmsSending(role: iam.IRole): void {
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'PublishSmsToPhoneNumbers',
      actions: ['sns:Publish'],
      resources: ['*'],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'NeverPublishToTopics',
      effect: iam.Effect.DENY,
      actions: ['sns:Publish'],
      resources: [`arn:${Stack.of(this).partition}:sns:*:*:*`],
    }));
  }
}

function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}
