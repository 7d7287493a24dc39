import { randomBytes } from 'node:crypto';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MailroomFunction } from '../../lib/defaults.js';
import { RAW_MAIL_PREFIX } from '../../lib/inbound-pipeline.js';
import { ENV } from '../../src/config/runtime.js';
import { EventStore, MAX_ITEM_BYTES } from '../../src/store/events.js';
import { EVENT_PAYLOAD_PREFIX } from '../../src/store/tables.js';
import { logicalId, resolve, resourcesFor, roleStatements, type Synthesized, sortJson, synthMailroom } from './support.js';

const EXTERNAL_TOPIC = 'arn:aws:sns:us-east-1:111122223333:ses-identity-notifications';

let s: Synthesized;
let opted: Synthesized;
let existingLogGroups: Synthesized;
let noSmsStatus: Synthesized;
beforeAll(() => {
  s = synthMailroom();
  opted = synthMailroom({
    tracking: { httpsEndpoint: true, allowedTopicArns: [EXTERNAL_TOPIC], suppressOn: ['hardBounce'] },
    sms: { deliveryStatus: { setAccountAttributes: true, successSamplingRate: 25 } },
    alarms: { email: 'ops@acme.io' },
  });
  existingLogGroups = synthMailroom({ sms: { deliveryStatus: { createLogGroups: false } } });
  noSmsStatus = synthMailroom({ sms: { deliveryStatus: { enabled: false } } });
});

/** The ten SES event types, as AWS::SES::ConfigurationSetEventDestination spells them. */
const SES_EVENT_TYPES = [
  'send',
  'reject',
  'bounce',
  'complaint',
  'delivery',
  'open',
  'click',
  'renderingFailure',
  'deliveryDelay',
  'subscription',
];

describe('TrackingPipeline configuration set', () => {
  it('creates the configuration set under the configured name', () => {
    // Assess
    s.template.hasResourceProperties('AWS::SES::ConfigurationSet', {
      Name: 'Mailroom',
      ReputationOptions: { ReputationMetricsEnabled: true },
      SendingOptions: { SendingEnabled: true },
    });
  });

  it('publishes all ten SES event types to the tracking topic', () => {
    // Assess
    const [destination] = Object.values(s.template.findResources('AWS::SES::ConfigurationSetEventDestination'));
    expect(destination!.Properties.ConfigurationSetName).toEqual({ Ref: logicalId(s.stack.tracking.configurationSet) });
    expect(destination!.Properties.EventDestination.Enabled).toBe(true);
    expect([...destination!.Properties.EventDestination.MatchingEventTypes].sort()).toEqual([...SES_EVENT_TYPES].sort());
    expect(destination!.Properties.EventDestination.SnsDestination).toEqual({ TopicARN: { Ref: logicalId(s.stack.tracking.topic) } });
  });

  it('lets only SES, for this account and configuration set, publish to the KMS-encrypted topic', () => {
    // Prepare
    const topicId = logicalId(s.stack.tracking.topic);
    const policy = Object.values(s.template.findResources('AWS::SNS::TopicPolicy')).find(
      (p) => JSON.stringify(p.Properties.Topics) === JSON.stringify([{ Ref: topicId }]),
    )!;
    const configSetArn = resolve(
      s.stack,
      s.stack.formatArn({
        service: 'ses',
        resource: 'configuration-set',
        resourceName: s.stack.tracking.configurationSet.configurationSetName,
      }),
    );

    // Assess
    expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'ses.amazonaws.com' },
        Action: 'sns:Publish',
        Condition: { StringEquals: { 'AWS:SourceAccount': { Ref: 'AWS::AccountId' }, 'AWS:SourceArn': configSetArn } },
      }),
    );
    expect(s.template.findResources('AWS::SNS::Topic')[topicId]!.Properties.KmsMasterKeyId).toEqual({
      'Fn::GetAtt': [logicalId(s.stack.mailroom.node.findChild('TopicKey')), 'Arn'],
    });
    // SES may use the key only for SNS topics of this account and region (SNS's encryption context).
    s.template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: arrayWithObject({
          Principal: { Service: 'ses.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          Condition: { StringLike: { 'kms:EncryptionContext:aws:sns:topicArn': THIS_ACCOUNT_TOPICS } },
        }),
      },
    });
  });
});

describe('TrackingPipeline Lambda', () => {
  it('subscribes the tracking Lambda to the topic with a DLQ on the subscription and one for failed invocations', () => {
    // Prepare
    const t = s.stack.tracking;

    // Assess
    s.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      TopicArn: { Ref: logicalId(t.topic) },
      Endpoint: { 'Fn::GetAtt': [logicalId(t.function.function), 'Arn'] },
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(t.subscriptionDlq), 'Arn'] } },
    });
    s.template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'sns.amazonaws.com',
      SourceArn: { Ref: logicalId(t.topic) },
    });
    const fn = s.template.findResources('AWS::Lambda::Function')[logicalId(t.function.function)]!.Properties;
    expect(fn.DeadLetterConfig).toEqual({ TargetArn: { 'Fn::GetAtt': [logicalId(t.invocationDlq), 'Arn'] } });
  });

  it('configures the allowed topics and suppression reasons, and may confirm subscriptions of exactly those topics', () => {
    // Prepare
    const t = opted.stack.tracking;
    const env = opted.template.findResources('AWS::Lambda::Function')[logicalId(t.function.function)]!.Properties.Environment.Variables;
    const statements = roleStatements(opted.template, t.function.role);

    // Assess
    expect(env[ENV.allowedTopicArns]).toEqual({ 'Fn::Join': ['', [{ Ref: logicalId(t.topic) }, `,${EXTERNAL_TOPIC}`]] });
    expect(env[ENV.suppressOn]).toBe('hardBounce');
    expect(env[ENV.payloadBucket]).toEqual({ Ref: logicalId(opted.stack.tables.payloadBucket) });
    expect(sortJson(resourcesFor(statements, 'sns:ConfirmSubscription'))).toEqual(sortJson([{ Ref: logicalId(t.topic) }, EXTERNAL_TOPIC]));
    expect(resourcesFor(roleStatements(s.template, s.stack.tracking.function.role), 's3:PutObject')).toEqual([
      { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(s.stack.tables.payloadBucket), 'Arn'] }, `/${EVENT_PAYLOAD_PREFIX}*`]] },
    ]);
  });

  it('creates no function URL unless the HTTPS endpoint is enabled', () => {
    // Assess
    s.template.resourceCountIs('AWS::Lambda::Url', 0);
    expect(s.template.findOutputs('TrackingUrl')).toEqual({});
  });

  it('exposes a separate HTTPS function over an unauthenticated function URL (SNS cannot sign) when enabled', () => {
    // Prepare
    const t = opted.stack.tracking;
    const fnId = logicalId(t.httpsFunction!.function);
    const fns = opted.template.findResources('AWS::Lambda::Function');

    // Assess
    opted.template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE', TargetFunctionArn: { 'Fn::GetAtt': [fnId, 'Arn'] } });
    expect(opted.template.findOutputs('TrackingUrl').TrackingUrl!.Value).toEqual({
      'Fn::GetAtt': [logicalId(opted.stack.tracking.functionUrl!), 'FunctionUrl'],
    });
    // A function of its own (its own entry and bundle: test/infra/stack.test.ts), not the subscription's.
    expect(fnId).not.toBe(logicalId(t.function.function));
    expect(fns[fnId]!.Properties.Description).toMatch(/HTTPS endpoint/);
    expect(s.stack.tracking.httpsFunction).toBeUndefined();
  });

  it('hands receipt notifications arriving at the URL to the inbound pipeline: same environment, same grants', () => {
    // Prepare
    const t = opted.stack.tracking;
    const inbound = opted.stack.inbound!;
    const env =
      opted.template.findResources('AWS::Lambda::Function')[logicalId(t.httpsFunction!.function)]!.Properties.Environment.Variables;
    const statements = roleStatements(opted.template, t.httpsFunction!.role);
    const defaultEnv =
      s.template.findResources('AWS::Lambda::Function')[logicalId(s.stack.tracking.function.function)]!.Properties.Environment.Variables;

    // Assess
    expect(env).toMatchObject({
      [ENV.inboundTable]: { Ref: logicalId(opted.stack.tables.tables.inbound) },
      [ENV.inboundBucket]: { Ref: logicalId(inbound.bucket) },
      [ENV.inboundEventsTopicArn]: { Ref: logicalId(inbound.eventsTopic) },
      [ENV.inboundMaxBytes]: String(40 * 1024 * 1024),
      // One allowlist per purpose: receipt notifications only from inbound's topics.
      [ENV.inboundAllowedTopicArns]: { Ref: logicalId(inbound.topic) },
    });
    expect(resourcesFor(statements, 'sns:ConfirmSubscription')).toContainEqual({ Ref: logicalId(inbound.topic) });
    expect(JSON.stringify(resourcesFor(statements, 'dynamodb:PutItem'))).toContain(logicalId(opted.stack.tables.tables.inbound));
    expect(resourcesFor(statements, 's3:GetObject')).toContainEqual({
      'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(inbound.bucket), 'Arn'] }, `/${RAW_MAIL_PREFIX}*`]],
    });
    expect(resourcesFor(statements, 'sns:Publish')).toEqual([{ Ref: logicalId(inbound.eventsTopic) }]);
    // The SES events subscription never gets inbound access, URL or not.
    expect(defaultEnv[ENV.inboundBucket]).toBeUndefined();
    expect(resourcesFor(roleStatements(opted.template, t.function.role), 'sns:Publish')).toEqual([]);
    expect(resourcesFor(roleStatements(s.template, s.stack.tracking.function.role), 'sns:Publish')).toEqual([]);
  });

  it('alarms on both tracking DLQs and on tracking Lambda errors', () => {
    // Prepare
    const t = s.stack.tracking;

    // Assess
    for (const dlq of [t.subscriptionDlq, t.invocationDlq]) {
      s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(dlq), 'QueueName'] } }],
      });
    }
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(t.function.function) } }],
    });
  });

  it('sends alarm notifications to an encrypted topic with the configured email subscribed', () => {
    // Prepare
    const topicId = logicalId(opted.stack.alarmTopic!);

    // Assess
    opted.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@acme.io',
      TopicArn: { Ref: topicId },
    });
    const alarms = Object.values(opted.template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.length).toBeGreaterThan(10);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
    opted.template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: arrayWithObject({
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Condition: { StringLike: { 'kms:EncryptionContext:aws:sns:topicArn': THIS_ACCOUNT_TOPICS } },
        }),
      },
    });
    // The topic policy replaces SNS's default one: without this Allow no alarm could publish.
    const policy = Object.values(opted.template.findResources('AWS::SNS::TopicPolicy')).find(
      (p) => JSON.stringify(p.Properties.Topics) === JSON.stringify([{ Ref: topicId }]),
    )!;
    expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: { Ref: topicId },
        Condition: {
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          ArnLike: {
            'aws:SourceArn': {
              'Fn::Join': [
                '',
                ['arn:', { Ref: 'AWS::Partition' }, ':cloudwatch:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':alarm:*'],
              ],
            },
          },
        },
      }),
    );
    for (const alarm of Object.values(s.template.findResources('AWS::CloudWatch::Alarm')))
      expect(alarm.Properties.AlarmActions).toBeUndefined();
  });
});

describe('SMS delivery status', () => {
  it('lets the SMS-status Lambda suppress opted-out numbers and offload large raw entries', () => {
    // Prepare
    const t = s.stack.tracking;
    const statements = roleStatements(s.template, t.smsStatusFunction!.role);
    const tables = s.stack.tables.tables;
    // Assess
    const writable = JSON.stringify(resourcesFor(statements, 'dynamodb:PutItem'));
    for (const table of [tables.events, tables.messages, tables.suppressions]) expect(writable).toContain(logicalId(table));
    expect(writable).not.toContain(logicalId(tables.inbound));
    expect(resourcesFor(statements, 's3:PutObject')).toEqual([
      { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(s.stack.tables.payloadBucket), 'Arn'] }, `/${EVENT_PAYLOAD_PREFIX}*`]] },
    ]);
  });

  it('applies the configured suppression reasons to SMS receipts too', () => {
    // Prepare
    const fns = opted.template.findResources('AWS::Lambda::Function');
    const t = opted.stack.tracking;
    // Assess: the same MAILROOM_SUPPRESS_ON as the SES events Lambda.
    expect(fns[logicalId(t.smsStatusFunction!.function)]!.Properties.Environment.Variables[ENV.suppressOn]).toBe('hardBounce');
    expect(fns[logicalId(t.function.function)]!.Properties.Environment.Variables[ENV.suppressOn]).toBe('hardBounce');
  });

  const logGroupName = (suffix: string) => ({
    'Fn::Join': ['', ['sns/', { Ref: 'AWS::Region' }, '/', { Ref: 'AWS::AccountId' }, `/DirectPublishToPhoneNumber${suffix}`]],
  });

  it('creates both SNS SMS log groups with retention and subscribes the SMS-status Lambda to each', () => {
    // Prepare
    const t = s.stack.tracking;
    const fnArn = { 'Fn::GetAtt': [logicalId(t.smsStatusFunction!.function), 'Arn'] };

    // Assess
    for (const suffix of ['', '/Failure']) {
      s.template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: logGroupName(suffix), RetentionInDays: 30 });
    }
    const filters = Object.values(s.template.findResources('AWS::Logs::SubscriptionFilter'));
    expect(
      filters
        .map((f) => f.Properties.LogGroupName)
        .map((v) => JSON.stringify(v))
        .sort(),
    ).toEqual(
      [{ Ref: logicalId(t.smsDeliveryStatus!.failureLogGroup) }, { Ref: logicalId(t.smsDeliveryStatus!.successLogGroup) }]
        .map((v) => JSON.stringify(v))
        .sort(),
    );
    for (const filter of filters) {
      expect(filter.Properties.DestinationArn).toEqual(fnArn);
      expect(filter.Properties.FilterPattern).toBe('');
    }
    s.template.hasResourceProperties('AWS::Lambda::Permission', { Principal: 'logs.amazonaws.com', FunctionName: fnArn });
  });

  it('subscribes to existing log groups by name when asked not to create them', () => {
    // Assess
    const filters = Object.values(existingLogGroups.template.findResources('AWS::Logs::SubscriptionFilter'));
    expect(filters.map((f) => JSON.stringify(f.Properties.LogGroupName)).sort()).toEqual(
      [logGroupName(''), logGroupName('/Failure')].map((v) => JSON.stringify(v)).sort(),
    );
    const names = Object.values(existingLogGroups.template.findResources('AWS::Logs::LogGroup')).map((g) =>
      JSON.stringify(g.Properties.LogGroupName),
    );
    expect(names).not.toContain(JSON.stringify(logGroupName('')));
  });

  it('gives SNS a role that may write only to the two SMS log groups', () => {
    // Prepare
    const role = s.stack.tracking.smsDeliveryStatus!.role;
    const statements = roleStatements(s.template, role);
    const arn = (suffix: string) => ({
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':logs:',
          { Ref: 'AWS::Region' },
          ':',
          { Ref: 'AWS::AccountId' },
          ':log-group:sns/',
          { Ref: 'AWS::Region' },
          '/',
          { Ref: 'AWS::AccountId' },
          `/DirectPublishToPhoneNumber${suffix}:*`,
        ],
      ],
    });

    // Assess
    s.template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'sns.amazonaws.com' }, Action: 'sts:AssumeRole' })],
      },
    });
    expect(statements.flatMap((st) => st.Action).sort()).toEqual([
      'logs:CreateLogGroup',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'logs:PutMetricFilter',
      'logs:PutRetentionPolicy',
    ]);
    expect(sortJson(statements.flatMap((st) => st.Resource))).toEqual(sortJson([arn(''), arn('/Failure')]));
  });

  it('sets the account SMS attribute DeliveryStatusIAMRole only when opted in', () => {
    // Prepare
    const roleArn = { 'Fn::GetAtt': [logicalId(opted.stack.tracking.smsDeliveryStatus!.role), 'Arn'] };
    const handler = opted.stack.node.findChild('AccountSettingsHandler') as MailroomFunction;
    const resources = Object.values(opted.template.findResources('Custom::MailroomSmsDeliveryStatus'));

    // Assess
    s.template.resourceCountIs('Custom::MailroomSmsDeliveryStatus', 0);
    expect(resources.map((r) => r.Properties)).toEqual([
      {
        ServiceToken: { 'Fn::GetAtt': [logicalId(handler.function), 'Arn'] },
        Setting: 'SmsDeliveryStatus',
        RoleArn: roleArn,
        SuccessSamplingRate: '25',
      },
    ]);
    const statements = roleStatements(opted.template, handler.role);
    expect(resourcesFor(statements, 'iam:PassRole')).toEqual([roleArn]);
    expect(resourcesFor(statements, 'sns:SetSMSAttributes')).toEqual(['*']);
    expect(resourcesFor(statements, 'sns:GetSMSAttributes')).toEqual(['*']);
  });

  it('lets only SNS of this account assume the delivery-status logging role', () => {
    // Prepare
    const role = s.template.findResources('AWS::IAM::Role')[logicalId(s.stack.tracking.smsDeliveryStatus!.role)]!;

    // Assess
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ]);
  });

  it('leaves SMS status out entirely when disabled', () => {
    // Assess
    noSmsStatus.template.resourceCountIs('AWS::Logs::SubscriptionFilter', 0);
    expect(noSmsStatus.stack.tracking.smsStatusFunction).toBeUndefined();
  });
});

describe('payload bucket grants and the event store', () => {
  it('grant exactly the prefix under which the event store offloads large raw events', async () => {
    // Prepare: the real store, with clients that only record what they are asked to do.
    const keys: string[] = [];
    const s3 = {
      send: async (command: { input: { Key?: string } }) => {
        keys.push(command.input.Key!);
        return {};
      },
    };
    const doc = { send: async () => ({}) };
    const store = new EventStore(doc as never, 'events', { s3: s3 as never, bucket: 'payloads' });

    // Act
    await store.put({
      eventId: 'ses:0100-abc:a@example.com:delivered',
      eventType: 'delivered',
      provider: 'ses',
      channel: 'email',
      providerMessageId: '0100-abc',
      recipient: 'a@example.com',
      timestamp: '2024-01-01T00:00:00.000Z',
      receivedAt: '2024-01-01T00:00:01.000Z',
      // Random base64: still past MAX_ITEM_BYTES once compressed (repetitive text would stay inline).
      raw: { body: randomBytes(Math.ceil(MAX_ITEM_BYTES * 1.5)).toString('base64') },
    });

    // Assess
    expect(keys).toHaveLength(1);
    expect(keys[0]!.startsWith(EVENT_PAYLOAD_PREFIX)).toBe(true);
  });
});

const arrayWithObject = (item: Record<string, unknown>) => Match.arrayWith([Match.objectLike(item)]);
/** `arn:<partition>:sns:<region>:<account>:*`: every SNS topic of the stack's account and region. */
const THIS_ACCOUNT_TOPICS = {
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sns:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':*']],
};
