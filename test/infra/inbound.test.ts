import { beforeAll, describe, expect, it } from 'vitest';
import type { MailroomFunction } from '../../lib/defaults.js';
import { RAW_MAIL_PREFIX } from '../../lib/inbound-pipeline.js';
import { ENV } from '../../src/config/runtime.js';
import { ATTACHMENTS_PREFIX, attachmentKey, QUARANTINE_PREFIX } from '../../src/inbound/attachments.js';
import { BODIES_PREFIX } from '../../src/inbound/bodies.js';
import { SNS_ACTION_RAW_PREFIX } from '../../src/inbound/source.js';
import { logicalId, resourcesFor, roleStatements, type Synthesized, sortJson, synthMailroom } from './support.js';

let s: Synthesized;
let opted: Synthesized;
let disabled: Synthesized;
beforeAll(() => {
  s = synthMailroom({
    ses: { fromDomain: 'acme.io' },
    inbound: { recipients: ['inbound.acme.io', 'support@acme.io'], maxBytes: 10_485_760, rawMailExpirationDays: 30 },
  });
  opted = synthMailroom({
    inbound: { activateRuleSet: true, rawMailExpirationDays: null, tlsPolicy: 'optional', ruleSetName: 'acme-inbound' },
  });
  disabled = synthMailroom({ inbound: { enabled: false } });
});

const ruleArn = (ruleSet: string) => ({
  'Fn::Join': [
    '',
    [
      'arn:',
      { Ref: 'AWS::Partition' },
      ':ses:',
      { Ref: 'AWS::Region' },
      ':',
      { Ref: 'AWS::AccountId' },
      `:receipt-rule-set/${ruleSet}:receipt-rule/store-and-notify`,
    ],
  ],
});

describe('InboundPipeline receipt rule', () => {
  it('stores mail for the configured recipients in S3 and notifies the topic, with scanning and TLS required', () => {
    // Prepare
    const inbound = s.stack.inbound!;
    const rule = s.template.findResources('AWS::SES::ReceiptRule')[logicalId(inbound.rule)]!;

    // Assess
    s.template.hasResourceProperties('AWS::SES::ReceiptRuleSet', { RuleSetName: 'Mailroom-inbound' });
    expect(rule.Properties).toEqual({
      RuleSetName: { Ref: logicalId(inbound.ruleSet) },
      Rule: {
        Name: 'store-and-notify',
        Enabled: true,
        Recipients: ['inbound.acme.io', 'support@acme.io'],
        ScanEnabled: true,
        TlsPolicy: 'Require',
        Actions: [
          {
            S3Action: {
              BucketName: { Ref: logicalId(inbound.bucket) },
              ObjectKeyPrefix: RAW_MAIL_PREFIX,
              TopicArn: { Ref: logicalId(inbound.topic) },
            },
          },
        ],
      },
    });
    // SES checks its permissions when the rule is created.
    expect(rule.DependsOn).toEqual(
      expect.arrayContaining([logicalId(inbound.bucket.policy!), logicalId(inbound.topic.node.findChild('Policy'))]),
    );
  });

  it('lets SES write raw mail only for this account and this receipt rule', () => {
    // Prepare
    const inbound = s.stack.inbound!;
    const policy = s.template.findResources('AWS::S3::BucketPolicy')[logicalId(inbound.bucket.policy!)]!;

    // Assess
    expect(policy.Properties.PolicyDocument.Statement).toContainEqual({
      Sid: 'AllowSesToStoreReceivedMail',
      Effect: 'Allow',
      Principal: { Service: 'ses.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(inbound.bucket), 'Arn'] }, `/${RAW_MAIL_PREFIX}*`]] },
      Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' }, 'aws:SourceArn': ruleArn('Mailroom-inbound') } },
    });
  });

  it('lets SES notify the encrypted receipt topic only for this rule', () => {
    // Prepare
    const inbound = s.stack.inbound!;
    const policy = s.template.findResources('AWS::SNS::TopicPolicy')[logicalId(inbound.topic.node.findChild('Policy'))]!;

    // Assess
    expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({
        Principal: { Service: 'ses.amazonaws.com' },
        Action: 'sns:Publish',
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' }, 'aws:SourceArn': ruleArn('Mailroom-inbound') } },
      }),
    );
    expect(s.template.findResources('AWS::SNS::Topic')[logicalId(inbound.topic)]!.Properties.KmsMasterKeyId).toBeDefined();
  });

  it('expires raw mail after the configured days, and keeps it when configured to', () => {
    // Prepare
    const rules = (x: Synthesized) =>
      x.template.findResources('AWS::S3::Bucket')[logicalId(x.stack.inbound!.bucket)]!.Properties.LifecycleConfiguration.Rules as {
        Id: string;
        Prefix?: string;
        ExpirationInDays?: number;
      }[];

    // Assess
    expect(rules(s)).toContainEqual(
      expect.objectContaining({ Id: 'expire-raw-mail', Prefix: RAW_MAIL_PREFIX, ExpirationInDays: 30, Status: 'Enabled' }),
    );
    expect(rules(s)).toContainEqual(
      expect.objectContaining({ Id: 'expire-received-mail', Prefix: SNS_ACTION_RAW_PREFIX, ExpirationInDays: 30, Status: 'Enabled' }),
    );
    expect(rules(opted).map((r) => r.Id)).not.toContain('expire-raw-mail');
    expect(rules(opted).map((r) => r.Id)).not.toContain('expire-received-mail');
  });

  it('activates the rule set through a custom resource only when opted in, after the rule exists', () => {
    // Prepare
    const custom = opted.stack.inbound!.node.findChild('ActivateRuleSet');
    const resource = opted.template.findResources('Custom::MailroomActiveReceiptRuleSet')[logicalId(custom.node.findChild('Resource'))]!;
    const handler = opted.stack.node.findChild('AccountSettingsHandler') as MailroomFunction;

    // Assess
    s.template.resourceCountIs('Custom::MailroomActiveReceiptRuleSet', 0);
    expect(resource.Properties).toEqual({
      ServiceToken: { 'Fn::GetAtt': [logicalId(handler.function), 'Arn'] },
      Setting: 'ActiveReceiptRuleSet',
      RuleSetName: 'acme-inbound',
    });
    expect(resource.DependsOn).toContain(logicalId(opted.stack.inbound!.rule));
    const statements = roleStatements(opted.template, handler.role);
    expect(resourcesFor(statements, 'ses:SetActiveReceiptRuleSet')).toEqual(['*']);
    expect(resourcesFor(statements, 'ses:DescribeActiveReceiptRuleSet')).toEqual(['*']);
    opted.template.hasResourceProperties('AWS::SES::ReceiptRule', { Rule: { TlsPolicy: 'Optional' } });
  });
});

describe('InboundPipeline Lambda', () => {
  it('subscribes the inbound Lambda to the receipt topic with a subscription DLQ', () => {
    // Prepare
    const inbound = s.stack.inbound!;

    // Assess
    s.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      TopicArn: { Ref: logicalId(inbound.topic) },
      Endpoint: { 'Fn::GetAtt': [logicalId(inbound.function.function), 'Arn'] },
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(inbound.subscriptionDlq), 'Arn'] } },
    });
  });

  it('configures the inbound Lambda through the ENV names of src/config/runtime.ts', () => {
    // Prepare
    const inbound = s.stack.inbound!;
    const env = s.template.findResources('AWS::Lambda::Function')[logicalId(inbound.function.function)]!.Properties.Environment.Variables;

    // Assess
    expect(env).toMatchObject({
      [ENV.inboundTable]: { Ref: logicalId(s.stack.tables.tables.inbound) },
      [ENV.inboundBucket]: { Ref: logicalId(inbound.bucket) },
      [ENV.payloadBucket]: { Ref: logicalId(s.stack.tables.payloadBucket) },
      [ENV.inboundMaxBytes]: '10485760',
      [ENV.inboundEventsTopicArn]: { Ref: logicalId(inbound.eventsTopic) },
      [ENV.inboundAllowedTopicArns]: { Ref: logicalId(inbound.topic) },
    });
    // One allowlist per purpose: tracking's topics never deliver inbound mail.
    expect(env[ENV.allowedTopicArns]).toBeUndefined();
  });

  it('grants the inbound Lambda its table, both buckets and publishing to the downstream topic, and nothing else', () => {
    // Prepare
    const inbound = s.stack.inbound!;
    const statements = roleStatements(s.template, inbound.function.role);
    const objects = (bucket: string, prefix: string) => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, `/${prefix}*`]] });
    const t = s.stack.tables.tables;

    // Assess: SES's raw mail is read-only; attachments, SNS-action mail and bodies only under the prefixes the code writes.
    const inboundBucket = logicalId(inbound.bucket);
    const payload = logicalId(s.stack.tables.payloadBucket);
    expect(sortJson(resourcesFor(statements, 's3:GetObject'))).toEqual(
      sortJson([
        objects(inboundBucket, RAW_MAIL_PREFIX),
        objects(inboundBucket, SNS_ACTION_RAW_PREFIX),
        objects(inboundBucket, ATTACHMENTS_PREFIX),
        objects(inboundBucket, QUARANTINE_PREFIX),
        objects(payload, BODIES_PREFIX),
      ]),
    );
    expect(sortJson(resourcesFor(statements, 's3:PutObject'))).toEqual(
      sortJson([
        objects(inboundBucket, ATTACHMENTS_PREFIX),
        objects(inboundBucket, QUARANTINE_PREFIX),
        objects(inboundBucket, SNS_ACTION_RAW_PREFIX),
        objects(payload, BODIES_PREFIX),
      ]),
    );
    expect(attachmentKey('m1', 0, false).startsWith(ATTACHMENTS_PREFIX)).toBe(true);
    expect(attachmentKey('m1', 0, true).startsWith(QUARANTINE_PREFIX)).toBe(true);
    expect(resourcesFor(statements, 'sns:Publish')).toEqual([{ Ref: logicalId(inbound.eventsTopic) }]);
    // ListBucket only on the inbound bucket and only for the prefixes ingestion writes.
    expect(resourcesFor(statements, 's3:ListBucket')).toEqual([{ 'Fn::GetAtt': [logicalId(inbound.bucket), 'Arn'] }]);
    expect(statements.find((st) => st.Action.includes('s3:ListBucket'))).toMatchObject({
      Condition: { StringLike: { 's3:prefix': ['attachments/*', 'quarantine/*'] } },
    });
    expect(resourcesFor(statements, 'kms:GenerateDataKey')).toEqual([
      { 'Fn::GetAtt': [logicalId(s.stack.mailroom.node.findChild('TopicKey')), 'Arn'] },
    ]);
    // The key encrypts every topic: only through SNS and only for the events topic.
    expect(statements.find((st) => st.Action.includes('kms:GenerateDataKey'))!.Condition).toEqual({
      StringEquals: {
        'kms:ViaService': { 'Fn::Join': ['', ['sns.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }]] },
        'kms:EncryptionContext:aws:sns:topicArn': { Ref: logicalId(inbound.eventsTopic) },
      },
    });
    expect(JSON.stringify(resourcesFor(statements, 'dynamodb:PutItem'))).toContain(logicalId(t.inbound));
    for (const other of [t.messages, t.events, t.suppressions]) expect(JSON.stringify(statements)).not.toContain(logicalId(other));
  });

  it('alarms on the inbound DLQs and Lambda errors', () => {
    // Prepare
    const inbound = s.stack.inbound!;

    // Assess
    for (const dlq of [inbound.subscriptionDlq, inbound.invocationDlq]) {
      s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(dlq), 'QueueName'] } }],
      });
    }
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(inbound.function.function) } }],
    });
  });

  it('creates no receiving resources when inbound is disabled (regions without SES receiving)', () => {
    // Assess
    for (const type of ['AWS::SES::ReceiptRuleSet', 'AWS::SES::ReceiptRule']) disabled.template.resourceCountIs(type, 0);
    expect(disabled.stack.inbound).toBeUndefined();
    expect(Object.keys(disabled.template.findOutputs('*'))).not.toContain('InboundBucketName');
  });
});
