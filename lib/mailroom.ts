/**
 * The Mailroom construct: the whole pipeline inside any stack. Shared tables and buckets,
 * the tracking pipeline (whose configuration set the send pipeline uses), the send pipeline,
 * and the inbound pipeline, plus the stack outputs the CLI and `MailroomClient.fromStack`
 * read (by OutputKey, so one Mailroom per stack). Props are the `mailroom` configuration
 * object (README, "Configuration"), validated here: one ConfigError lists every problem.
 */
import { ArnFormat, CfnOutput, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { AlarmTarget } from './alarms.js';
import type { MailroomConfig, MailroomConfigInput } from './config.js';
import { resolveConfig } from './config.js';
import { allowServiceToUseKey, createDataKey, denyPublishExcept, secureTopic, topicKey } from './defaults.js';
import { InboundPipeline } from './inbound-pipeline.js';
import { acknowledge } from './nag.js';
import { SendPipeline } from './send-pipeline.js';
import { MailroomTables } from './tables.js';
import { TrackingPipeline } from './tracking-pipeline.js';

/** The `mailroom` configuration object; every key is optional (README, "Configuration"). */
export type MailroomProps = MailroomConfigInput;

/** OutputKeys the CLI depends on: renaming one is a breaking change. */
export const OUTPUT_KEYS = [
  'EmailQueueUrl',
  'SmsQueueUrl',
  'EmailDlqUrl',
  'SmsDlqUrl',
  'MessagesTableName',
  'EventsTableName',
  'InboundTableName',
  'SuppressionsTableName',
  'InboundBucketName',
  'PayloadBucketName',
  'TrackingTopicArn',
  'InboundTopicArn',
  'InboundEventsTopicArn',
  'ConfigurationSetName',
  'TrackingUrl',
  'Region',
  // For the operator's one-time account-level steps (README, "Deploying").
  'ReceiptRuleSetName',
  'SmsDeliveryStatusRoleArn',
] as const;
export type OutputKey = (typeof OUTPUT_KEYS)[number];

export class Mailroom extends Construct {
  public readonly config: MailroomConfig;
  public readonly tables: MailroomTables;
  public readonly tracking: TrackingPipeline;
  public readonly send: SendPipeline;
  public readonly inbound?: InboundPipeline;
  public readonly alarmTopic?: sns.ITopic;
  /** Customer-managed key of config encryption.dataKey (absent: AWS-managed keys). */
  public readonly dataKey?: kms.IKey;

  constructor(scope: Construct, id: string, props: MailroomProps = {}) {
    super(scope, id);
    const config = resolveConfig(undefined, props);
    this.config = config;
    // First: the helpers of lib/defaults.ts encrypt buckets, tables, queues and log groups with
    // it. It is a child of the stack (one data key per stack), found there by dataKey(scope).
    this.dataKey = createDataKey(Stack.of(this), config.encryption, config.operations);

    const key = topicKey(this, 'TopicKey', config.operations);
    allowServiceToUseKey(key, 'ses.amazonaws.com');
    this.alarmTopic = this.createAlarmTopic(key);
    const alarms: AlarmTarget = { topic: this.alarmTopic, namespace: config.operations.metricsNamespace };

    this.tables = new MailroomTables(this, 'Tables', { operations: config.operations, retention: config.retention });
    this.tracking = new TrackingPipeline(this, 'Tracking', { config, tables: this.tables, topicKey: key, alarms });
    this.send = new SendPipeline(this, 'Send', {
      config,
      tables: this.tables,
      alarms,
    });
    // `ses` instances name the configuration set (ses.configurationSetName): it exists before they send.
    this.send.email.function.node.addDependency(this.tracking.configurationSet);
    if (config.inbound.enabled) {
      this.inbound = new InboundPipeline(this, 'Inbound', { config, tables: this.tables, topicKey: key, alarms });
      // Receipt notifications of SES identities subscribed over HTTPS reach the tracking URL,
      // which hands them to the inbound pipeline.
      if (this.tracking.httpsFunction) this.inbound.allowIngestionBy(this.tracking.httpsFunction);
    }
    this.addOutputs();
  }

  private createAlarmTopic(key: ReturnType<typeof topicKey>): sns.ITopic | undefined {
    const { email, topicArn } = this.config.alarms;
    if (topicArn) return sns.Topic.fromTopicArn(this, 'AlarmTopic', topicArn);
    if (!email) return undefined;
    allowServiceToUseKey(key, 'cloudwatch.amazonaws.com');
    const topic = secureTopic(this, 'AlarmTopic', key, 'Mailroom alarms');
    const stack = Stack.of(this);
    // The topic policy replaces SNS's default one, so CloudWatch needs its own Allow or every
    // alarm action fails with "not authorized to perform: SNS:Publish"; scoped to the alarms
    // of this account and region
    // (https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger).
    topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToNotify',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    denyPublishExcept(topic, 'OnlyAlarmsPublish', {
      ArnNotLike: {
        'aws:SourceArn': stack.formatArn({
          service: 'cloudwatch',
          resource: 'alarm',
          resourceName: '*',
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      },
    });
    const subscription = topic.addSubscription(new subscriptions.EmailSubscription(email));
    acknowledge(
      subscription,
      'Serverless-SNSRedrivePolicy',
      'The email subscription of the alarm topic: an alarm mail SNS cannot deliver would sit in a DLQ that nothing watches (the alarms are the watch); ALARM and OK transitions stay in CloudWatch.',
    );
    return topic;
  }

  private addOutputs(): void {
    const t = this.tables.tables;
    const out = (key: OutputKey, value: string, description: string) => new CfnOutput(this, key, { key, value, description });
    out('Region', Stack.of(this).region, 'Region the stack is deployed in');
    out('EmailQueueUrl', this.send.email.queue.queueUrl, 'Producers enqueue email messages here (docs/contract.md §1)');
    out('SmsQueueUrl', this.send.sms.queue.queueUrl, 'Producers enqueue SMS messages here (docs/contract.md §1)');
    out('EmailDlqUrl', this.send.email.dlq.queueUrl, 'Email messages that could not be sent');
    out('SmsDlqUrl', this.send.sms.dlq.queueUrl, 'SMS messages that could not be sent');
    out('MessagesTableName', t.messages.tableName, 'Message records (docs/contract.md §2)');
    out('EventsTableName', t.events.tableName, 'Normalized tracking events (docs/contract.md §3)');
    out('InboundTableName', t.inbound.tableName, 'Inbound messages (docs/contract.md §4)');
    out('SuppressionsTableName', t.suppressions.tableName, 'Suppressed addresses');
    out('PayloadBucketName', this.tables.payloadBucket.bucketName, 'Large raw events and bodies');
    out('TrackingTopicArn', this.tracking.topic.topicArn, 'SES events of the configuration set');
    out('ConfigurationSetName', this.tracking.configurationSet.configurationSetName, 'SES configuration set every send uses');
    if (this.tracking.publicEndpoint) {
      out('TrackingUrl', this.tracking.publicEndpoint.url, 'HTTPS endpoint SNS topics can be subscribed to');
    }
    if (this.tracking.smsDeliveryStatus) {
      out(
        'SmsDeliveryStatusRoleArn',
        this.tracking.smsDeliveryStatus.role.roleArn,
        'aws sns set-sms-attributes --attributes DeliveryStatusIAMRole=<this>',
      );
    }
    if (this.inbound) {
      out('ReceiptRuleSetName', this.inbound.ruleSet.receiptRuleSetName, 'aws ses set-active-receipt-rule-set --rule-set-name <this>');
      out('InboundBucketName', this.inbound.bucket.bucketName, 'Raw received mail and attachments');
      out('InboundTopicArn', this.inbound.topic.topicArn, 'SES receipt notifications');
      out('InboundEventsTopicArn', this.inbound.eventsTopic.topicArn, 'Subscribe here for "inbound received" events');
    }
  }
}
