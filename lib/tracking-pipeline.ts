/**
 * TrackingPipeline: the SES configuration set every email is sent through, publishing every
 * event type to an SNS topic; the tracking Lambda subscribed to that topic (and optionally
 * reachable over HTTPS through a function URL, for SNS topics of other accounts or SES
 * identity notifications); and SMS delivery status from the SNS SMS delivery-status logs.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as ses from 'aws-cdk-lib/aws-ses';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '../src/config/env-names.js';
import { trackingEnvironment } from '../src/config/lambda-env.js';
import { EVENT_PAYLOAD_PREFIX } from '../src/store/tables.js';
import { type AlarmTarget, dlqDepthAlarm, functionErrorsAlarm } from './alarms.js';
import type { MailroomConfig } from './config.js';
import {
  deadLetterQueue,
  denyPublishExcept,
  grantObjectAccess,
  MailroomFunction,
  secureTopic,
  subscriptionDeadLetterQueue,
} from './defaults.js';
import { PublicEndpoint } from './public-endpoint.js';
import { SmsDeliveryStatus } from './sms-delivery-status.js';
import type { MailroomTables } from './tables.js';

export const TRACKING_ENTRY = 'lambdas/tracking/handler.ts';
/** The HTTPS endpoint's own entry: it also routes SES receipt notifications to inbound (MIME parser included). */
export const TRACKING_HTTPS_ENTRY = 'lambdas/tracking/https.ts';
export const SMS_STATUS_ENTRY = 'lambdas/tracking/sms-status.ts';
/** Every SES event type, so no event about a message is lost (docs/contract.md §3). */
export const ALL_SES_EVENTS: readonly ses.EmailSendingEvent[] = [
  ses.EmailSendingEvent.SEND,
  ses.EmailSendingEvent.REJECT,
  ses.EmailSendingEvent.BOUNCE,
  ses.EmailSendingEvent.COMPLAINT,
  ses.EmailSendingEvent.DELIVERY,
  ses.EmailSendingEvent.OPEN,
  ses.EmailSendingEvent.CLICK,
  ses.EmailSendingEvent.RENDERING_FAILURE,
  ses.EmailSendingEvent.DELIVERY_DELAY,
  ses.EmailSendingEvent.SUBSCRIPTION,
];

export interface TrackingPipelineProps {
  readonly config: Pick<MailroomConfig, 'ses' | 'sms' | 'tracking' | 'operations' | 'publicEndpoints' | 'retention'>;
  readonly tables: MailroomTables;
  /** Encrypts the events topic; its policy must let ses.amazonaws.com use it. */
  readonly topicKey: kms.IKey;
  /** @default - alarms without actions */
  readonly alarms?: AlarmTarget;
}

export class TrackingPipeline extends Construct {
  public readonly configurationSet: ses.ConfigurationSet;
  /** SES publishes every event of the configuration set here. */
  public readonly topic: sns.Topic;
  public readonly function: MailroomFunction;
  /** SNS messages that could not be delivered to the tracking Lambda. */
  public readonly subscriptionDlq: sqs.Queue;
  /** Invocations of the tracking Lambda that failed after Lambda's async retries. */
  public readonly invocationDlq: sqs.Queue;
  /**
   * The HTTPS endpoint's function and URL, present when config tracking.httpsEndpoint is on.
   * A function of its own: it carries the inbound MIME parser for receipt notifications, which
   * the high-volume SES events subscription above never needs.
   */
  public readonly httpsFunction?: MailroomFunction;
  public readonly functionUrl?: lambda.FunctionUrl;
  /** The public endpoint (reserved concurrency, optional throttled front, alarms) of the HTTPS function. */
  public readonly publicEndpoint?: PublicEndpoint;
  /** Present when config sms.deliveryStatus.enabled is on. */
  public readonly smsStatusFunction?: MailroomFunction;
  public readonly smsDeliveryStatus?: SmsDeliveryStatus;

  constructor(scope: Construct, id: string, props: TrackingPipelineProps) {
    super(scope, id);
    const { ses: sesConfig, tracking, operations } = props.config;
    const alarms = props.alarms ?? {};

    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      configurationSetName: sesConfig.configurationSetName,
      tlsPolicy: sesConfig.tlsPolicy === 'require' ? ses.ConfigurationSetTlsPolicy.REQUIRE : ses.ConfigurationSetTlsPolicy.OPTIONAL,
      reputationMetrics: true,
      sendingEnabled: true,
    });
    this.topic = secureTopic(this, 'Topic', props.topicKey, 'Mailroom SES events');
    // The L2 destination also adds the topic policy letting ses.amazonaws.com publish, with
    // aws:SourceAccount and aws:SourceArn (this configuration set) conditions.
    this.configurationSet.addEventDestination('ToSns', {
      destination: ses.EventDestination.snsTopic(this.topic),
      events: [...ALL_SES_EVENTS],
    });
    // Only SES, for this configuration set, may publish: no principal of the account can
    // forge SES events (aws:SourceArn exists only on service-to-service calls).
    denyPublishExcept(this.topic, 'OnlyTheConfigurationSetPublishes', {
      StringNotEquals: {
        'aws:SourceArn': Stack.of(this).formatArn({
          service: 'ses',
          resource: 'configuration-set',
          resourceName: this.configurationSet.configurationSetName,
        }),
      },
    });

    this.subscriptionDlq = subscriptionDeadLetterQueue(this, 'SubscriptionDlq');
    this.invocationDlq = deadLetterQueue(this, 'InvocationDlq');
    const allowedTopicArns = [this.topic.topicArn, ...tracking.allowedTopicArns];
    const environment = {
      ...tableEnvironment(props.tables),
      [ENV.payloadBucket]: props.tables.payloadBucket.bucketName,
      ...trackingEnvironment(props.config, [this.topic.topicArn]),
    };
    this.function = new MailroomFunction(this, 'Handler', {
      entry: TRACKING_ENTRY,
      description: 'Mailroom: verifies SNS messages and stores normalized SES events',
      serviceName: 'mailroom-tracking',
      operations,
      timeout: Duration.seconds(30),
      memorySize: 512,
      deadLetterQueue: this.invocationDlq,
      environment,
    });
    this.topic.addSubscription(new subscriptions.LambdaSubscription(this.function.function, { deadLetterQueue: this.subscriptionDlq }));
    this.grantTracking(this.function, props.tables, allowedTopicArns);

    if (tracking.httpsEndpoint) {
      // SNS delivers to HTTPS endpoints without AWS credentials, so the endpoint cannot use IAM
      // auth. The handler verifies every message's SNS signature and TopicArn allowlist; the
      // PublicEndpoint caps its concurrency and, opt-in, throttles it in front.
      this.publicEndpoint = new PublicEndpoint(this, 'Https', {
        entry: TRACKING_HTTPS_ENTRY,
        description: 'Mailroom: HTTPS endpoint for SNS topics of other accounts and SES identity notifications',
        serviceName: 'mailroom-tracking-https',
        operations,
        timeout: Duration.seconds(30),
        memorySize: 512,
        environment,
        config: props.config.publicEndpoints,
        title: 'tracking HTTPS',
        unauthenticatedReason:
          'SNS delivers to HTTPS subscriptions without AWS credentials; the handler verifies each SNS signature and the topic allowlist instead.',
        alarms,
      });
      this.httpsFunction = this.publicEndpoint.handler;
      this.grantTracking(this.httpsFunction, props.tables, allowedTopicArns);
      this.functionUrl = this.publicEndpoint.functionUrl;
    }

    dlqDepthAlarm(this, 'SubscriptionDlqDepth', this.subscriptionDlq, 'the SES events subscription', alarms);
    dlqDepthAlarm(this, 'InvocationDlqDepth', this.invocationDlq, 'the tracking Lambda', alarms);
    functionErrorsAlarm(this, 'HandlerErrors', this.function.function, 'tracking', alarms);

    if (props.config.sms.deliveryStatus.enabled) {
      const smsDlq = deadLetterQueue(this, 'SmsStatusInvocationDlq');
      this.smsStatusFunction = new MailroomFunction(this, 'SmsStatus', {
        entry: SMS_STATUS_ENTRY,
        description: 'Mailroom: turns SNS SMS delivery-status logs into events',
        serviceName: 'mailroom-sms-status',
        operations,
        timeout: Duration.seconds(30),
        deadLetterQueue: smsDlq,
        environment: {
          ...tableEnvironment(props.tables),
          [ENV.payloadBucket]: props.tables.payloadBucket.bucketName,
          // Opted-out numbers are suppressed only when 'unsubscribe' is among the reasons, as for
          // email. It reads no SNS message, so its topic allowlist stays empty.
          ...trackingEnvironment(props.config, []),
        },
      });
      // Suppressions: an SMS that failed because the number opted out suppresses the number.
      props.tables.grantReadWrite(this.smsStatusFunction.role, 'events', 'messages', 'suppressions');
      grantObjectAccess(
        this.smsStatusFunction.role,
        props.tables.payloadBucket,
        ['s3:PutObject', 's3:GetObject'],
        'Stores raw delivery-status entries too large for an item under keys it generates per event.',
        [EVENT_PAYLOAD_PREFIX],
      );
      this.smsDeliveryStatus = new SmsDeliveryStatus(this, 'SmsDeliveryStatus', {
        config: props.config.sms.deliveryStatus,
        operations,
        handler: this.smsStatusFunction,
      });
      dlqDepthAlarm(this, 'SmsStatusDlqDepth', smsDlq, 'the SMS status Lambda', alarms);
      functionErrorsAlarm(this, 'SmsStatusErrors', this.smsStatusFunction.function, 'SMS status', alarms);
    }
  }

  private grantTracking(fn: MailroomFunction, tables: MailroomTables, allowedTopicArns: readonly string[]): void {
    tables.grantReadWrite(fn.role, 'events', 'messages', 'suppressions');
    grantObjectAccess(
      fn.role,
      tables.payloadBucket,
      ['s3:PutObject', 's3:GetObject'],
      'Stores raw events too large for an item under keys it generates per event.',
      [EVENT_PAYLOAD_PREFIX],
    );
    // A SubscriptionConfirmation from an allowed topic is confirmed with the API, in the
    // topic's own region, never by fetching the SubscribeURL.
    fn.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ConfirmAllowedTopicSubscriptions',
        actions: ['sns:ConfirmSubscription'],
        resources: [...allowedTopicArns],
      }),
    );
  }
}

/** Every handler gets all four table names (readRuntimeEnv requires them); grants decide access. */
export function tableEnvironment(tables: MailroomTables): Record<string, string> {
  const t = tables.tables;
  return {
    [ENV.messagesTable]: t.messages.tableName,
    [ENV.eventsTable]: t.events.tableName,
    [ENV.inboundTable]: t.inbound.tableName,
    [ENV.suppressionsTable]: t.suppressions.tableName,
  };
}
