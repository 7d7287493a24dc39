/**
 * InboundPipeline: SES receives mail for the configured recipients, stores the raw MIME in a
 * private bucket (under `raw/`) and notifies an SNS topic; the inbound Lambda, subscribed to
 * the topic, parses the message into the inbound table and publishes a compact "inbound
 * received" event for applications.
 *
 * SES email receiving exists only in some regions
 * (https://docs.aws.amazon.com/ses/latest/dg/regions.html#region-receive-email), and the
 * account has one active receipt rule set per region, which CloudFormation cannot set:
 * activation is an opt-in custom resource (config inbound.activateRuleSet) or the manual
 * `aws ses set-active-receipt-rule-set --rule-set-name <name>`.
 */
import { ArnFormat, Duration, Lazy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '../src/config/env-names.js';
import { inboundEnvironment } from '../src/config/lambda-env.js';
import { ATTACHMENTS_PREFIX, QUARANTINE_PREFIX } from '../src/inbound/attachments.js';
import { BODIES_PREFIX } from '../src/inbound/bodies.js';
import { SNS_ACTION_RAW_PREFIX } from '../src/inbound/source.js';
import { AccountSettingResource } from './account-settings.js';
import { type AlarmTarget, dlqDepthAlarm, functionErrorsAlarm } from './alarms.js';
import type { MailroomConfig } from './config.js';
import {
  deadLetterQueue,
  denyPublishExcept,
  expireUnder,
  grantObjectAccess,
  MailroomFunction,
  privateBucket,
  secureTopic,
  subscriptionDeadLetterQueue,
} from './defaults.js';
import type { MailroomTables } from './tables.js';
import { tableEnvironment } from './tracking-pipeline.js';

export const INBOUND_ENTRY = 'lambdas/inbound/handler.ts';
/** Where SES writes raw MIME; the raw-mail lifecycle rule applies to this prefix only. */
export const RAW_MAIL_PREFIX = 'raw/';
export const RECEIPT_RULE_NAME = 'store-and-notify';
/** Where the inbound Lambda stores attachments (src/inbound/attachments.ts): normal and quarantined. */
const ATTACHMENT_PREFIXES = [ATTACHMENTS_PREFIX, QUARANTINE_PREFIX];

export interface InboundPipelineProps {
  readonly config: Pick<MailroomConfig, 'inbound' | 'tracking' | 'operations' | 'retention'>;
  readonly tables: MailroomTables;
  /** Encrypts the notification topics; its policy must let ses.amazonaws.com use it. */
  readonly topicKey: kms.IKey;
  /** @default - alarms without actions */
  readonly alarms?: AlarmTarget;
}

export class InboundPipeline extends Construct {
  /** Raw MIME (`raw/`), plus the attachments and bodies the inbound Lambda stores. */
  public readonly bucket: s3.Bucket;
  /** SES receipt notifications (S3 action). */
  public readonly topic: sns.Topic;
  /** Compact "inbound received" events for applications. */
  public readonly eventsTopic: sns.ITopic;
  public readonly ruleSet: ses.ReceiptRuleSet;
  public readonly rule: ses.ReceiptRule;
  public readonly function: MailroomFunction;
  public readonly subscriptionDlq: sqs.Queue;
  public readonly invocationDlq: sqs.Queue;
  private readonly eventsKey?: kms.IKey;
  /** Roles that publish "inbound received" events (the topic policy denies everyone else). */
  private readonly publishers: iam.IRole[] = [];
  /** ARN of the receipt rule: the aws:SourceArn SES presents when writing and notifying. */
  public readonly receiptRuleArn: string;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: InboundPipelineProps,
  ) {
    super(scope, id);
    const { inbound, operations, retention } = props.config;
    const stack = Stack.of(this);
    const alarms = props.alarms ?? {};

    this.bucket = privateBucket(this, 'Bucket', {
      operations,
      accessLogs: props.tables.accessLogsBucket,
      accessLogsPrefix: 'inbound/',
      // Raw MIME expires alike whether SES stored it (S3 action) or we did (SNS action).
      lifecycleRules: [
        ...(inbound.rawMailExpirationDays === null
          ? []
          : [RAW_MAIL_PREFIX, SNS_ACTION_RAW_PREFIX].map((prefix) => ({
              id: `expire-${prefix.replace('/', '')}-mail`,
              prefix,
              expiration: Duration.days(inbound.rawMailExpirationDays!),
            }))),
        ...expireUnder(ATTACHMENTS_PREFIX, retention.attachmentsDays),
        ...expireUnder(QUARANTINE_PREFIX, retention.quarantineDays),
      ],
    });
    this.topic = secureTopic(this, 'Topic', props.topicKey, 'Mailroom inbound receipt notifications');
    // An existing topic given by ARN: if it is KMS-encrypted, grant its key to the Lambda role
    // yourself (the key is not known here).
    this.eventsTopic = inbound.eventsTopicArn
      ? sns.Topic.fromTopicArn(this, 'EventsTopic', inbound.eventsTopicArn)
      : secureTopic(this, 'EventsTopic', props.topicKey, 'Mailroom inbound received');
    this.eventsKey = inbound.eventsTopicArn ? undefined : props.topicKey;

    this.receiptRuleArn = stack.formatArn({
      service: 'ses',
      resource: 'receipt-rule-set',
      resourceName: `${inbound.ruleSetName}:receipt-rule/${RECEIPT_RULE_NAME}`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    const fromThisRule = { StringEquals: { 'aws:SourceAccount': stack.account, 'aws:SourceArn': this.receiptRuleArn } };
    // https://docs.aws.amazon.com/ses/latest/dg/receiving-email-permissions.html
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowSesToStoreReceivedMail',
        principals: [new iam.ServicePrincipal('ses.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`${RAW_MAIL_PREFIX}*`)],
        conditions: fromThisRule,
      }),
    );
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowSesToNotify',
        principals: [new iam.ServicePrincipal('ses.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: fromThisRule,
      }),
    );
    denyPublishExcept(this.topic, 'OnlyTheReceiptRulePublishes', { StringNotEquals: { 'aws:SourceArn': this.receiptRuleArn } });
    // "Inbound received": only the roles that ingest mail (this Lambda's, and the tracking
    // HTTPS endpoint's when it ingests receipt notifications) may publish.
    if (this.eventsTopic instanceof sns.Topic) {
      denyPublishExcept(this.eventsTopic, 'OnlyIngestionPublishes', {
        ArnNotEquals: { 'aws:PrincipalArn': Lazy.list({ produce: () => this.publishers.map((r) => r.roleArn) }) },
      });
    }

    this.ruleSet = new ses.ReceiptRuleSet(this, 'RuleSet', { receiptRuleSetName: inbound.ruleSetName });
    this.rule = new ses.ReceiptRule(this, 'Rule', {
      ruleSet: this.ruleSet,
      receiptRuleName: RECEIPT_RULE_NAME,
      recipients: [...inbound.recipients],
      enabled: true,
      scanEnabled: inbound.scanEnabled,
      tlsPolicy: inbound.tlsPolicy === 'require' ? ses.TlsPolicy.REQUIRE : ses.TlsPolicy.OPTIONAL,
      actions: [new StoreAndNotify(this.bucket, RAW_MAIL_PREFIX, this.topic)],
    });
    // SES checks it may write to the bucket when the rule is created: policies first.
    this.rule.node.addDependency(this.bucket.policy!, this.topic);

    this.subscriptionDlq = subscriptionDeadLetterQueue(this, 'SubscriptionDlq');
    this.invocationDlq = deadLetterQueue(this, 'InvocationDlq');
    this.function = new MailroomFunction(this, 'Handler', {
      entry: INBOUND_ENTRY,
      description: 'Mailroom: parses received mail into the inbound table',
      serviceName: 'mailroom-inbound',
      operations,
      // Parsing a 40 MB message: memory for the message and its parts, CPU to go with it.
      memorySize: 1024,
      timeout: Duration.minutes(2),
      deadLetterQueue: this.invocationDlq,
      environment: {
        ...tableEnvironment(props.tables),
        [ENV.inboundBucket]: this.bucket.bucketName,
        [ENV.payloadBucket]: props.tables.payloadBucket.bucketName,
        [ENV.inboundEventsTopicArn]: this.eventsTopic.topicArn,
        // One allowlist per purpose: inbound's own, never tracking's (issue 8, item 4).
        ...inboundEnvironment(props.config, this.topic.topicArn),
      },
    });
    this.topic.addSubscription(new subscriptions.LambdaSubscription(this.function.function, { deadLetterQueue: this.subscriptionDlq }));
    this.grantIngestion(this.function.role);

    if (inbound.activateRuleSet) this.activateRuleSet(inbound.ruleSetName);

    dlqDepthAlarm(this, 'SubscriptionDlqDepth', this.subscriptionDlq, 'the inbound notifications subscription', alarms);
    dlqDepthAlarm(this, 'InvocationDlqDepth', this.invocationDlq, 'the inbound Lambda', alarms);
    functionErrorsAlarm(this, 'HandlerErrors', this.function.function, 'inbound', alarms);
  }

  /**
   * Lets another function (the tracking function URL, which receives receipt notifications
   * of SES identities subscribed over HTTPS) ingest inbound mail exactly as the inbound
   * Lambda does: same environment, same grants.
   */
  public allowIngestionBy(fn: MailroomFunction): void {
    fn.function.addEnvironment(ENV.inboundBucket, this.bucket.bucketName);
    fn.function.addEnvironment(ENV.inboundEventsTopicArn, this.eventsTopic.topicArn);
    for (const [name, value] of Object.entries(inboundEnvironment(this.props.config, this.topic.topicArn)))
      fn.function.addEnvironment(name, value);
    this.grantIngestion(fn.role);
    // Its receipt topics subscribe over HTTPS too: confirmed with the API, as tracking's are.
    fn.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ConfirmInboundTopicSubscriptions',
        actions: ['sns:ConfirmSubscription'],
        resources: this.allowedTopicArns(),
      }),
    );
  }

  /** The topics whose receipt notifications are accepted: this stack's and inbound.allowedTopicArns. */
  private allowedTopicArns(): string[] {
    return [this.topic.topicArn, ...this.props.config.inbound.allowedTopicArns];
  }

  private grantIngestion(role: iam.Role): void {
    const tables = this.props.tables;
    tables.grantReadWrite(role, 'inbound');
    // Raw mail is read only: ingestion never rewrites what SES stored.
    grantObjectAccess(
      role,
      this.bucket,
      ['s3:GetObject'],
      'Reads the raw mail SES stored (key named in the notification) and checks attachments it already stored.',
      [RAW_MAIL_PREFIX, SNS_ACTION_RAW_PREFIX, ...ATTACHMENT_PREFIXES],
    );
    grantObjectAccess(
      role,
      this.bucket,
      ['s3:PutObject'],
      "Writes attachments under keys it generates (message id and index), never from the sender's filename.",
      ATTACHMENT_PREFIXES,
    );
    // Mail that arrives with an SNS action (content in the notification) is kept under its own
    // prefix, keyed by the SES message id, so the record can point at its raw MIME too.
    grantObjectAccess(role, this.bucket, ['s3:PutObject'], 'Keeps the raw MIME of SNS-action mail under received/<SES message id>.', [
      SNS_ACTION_RAW_PREFIX,
    ]);
    // ListBucket turns HeadObject on a missing key into 404 instead of 403, so a retried
    // ingestion can tell an attachment it already stored from one it still has to upload.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': ATTACHMENT_PREFIXES.map((prefix) => `${prefix}*`) } },
      }),
    );
    grantObjectAccess(
      role,
      tables.payloadBucket,
      ['s3:GetObject', 's3:PutObject'],
      'Moves bodies too large for an item to the payload bucket under keys it generates.',
      [BODIES_PREFIX],
    );
    // Publishing to a KMS-encrypted topic needs the key too (GenerateDataKey, Decrypt).
    // Explicit actions: Topic.grantPublish would add the wildcard kms:GenerateDataKey*.
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [this.eventsTopic.topicArn] }));
    this.publishers.push(role);
    // The key encrypts every Mailroom topic: usable only through SNS, for the events topic
    // (SNS puts the topic ARN in the encryption context).
    if (this.eventsKey) {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [this.eventsKey.keyArn],
          conditions: {
            StringEquals: {
              'kms:ViaService': `sns.${Stack.of(this).region}.${Stack.of(this).urlSuffix}`,
              'kms:EncryptionContext:aws:sns:topicArn': this.eventsTopic.topicArn,
            },
          },
        }),
      );
    }
  }

  /**
   * Account-wide: makes this rule set the active one. On stack deletion it is deactivated
   * only if it is still the active one (lib/account-settings.ts).
   */
  private activateRuleSet(ruleSetName: string): void {
    const setting = new AccountSettingResource(this, 'ActivateRuleSet', {
      setting: { Setting: 'ActiveReceiptRuleSet', RuleSetName: ruleSetName },
      operations: this.props.config.operations,
      statements: [
        new iam.PolicyStatement({ actions: ['ses:SetActiveReceiptRuleSet', 'ses:DescribeActiveReceiptRuleSet'], resources: ['*'] }),
      ],
    });
    setting.node.addDependency(this.rule);
  }
}

/**
 * The S3 receipt action with our own bucket policy: aws-cdk-lib's `S3` action scopes SES's
 * write permission to the account only, we also scope it to this receipt rule (SourceArn).
 */
class StoreAndNotify implements ses.IReceiptRuleAction {
  constructor(
    private readonly bucket: s3.IBucket,
    private readonly prefix: string,
    private readonly topic: sns.ITopic,
  ) {}

  bind(): ses.ReceiptRuleActionConfig {
    return { s3Action: { bucketName: this.bucket.bucketName, objectKeyPrefix: this.prefix, topicArn: this.topic.topicArn } };
  }
}
