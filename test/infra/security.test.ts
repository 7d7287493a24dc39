/**
 * Issue 8 guardrails (docs/deploy.md#security): public endpoints, retention, the optional
 * customer-managed data key, topic policies and SignatureVersion.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '../../src/config/runtime.js';
import { ATTACHMENTS_PREFIX, QUARANTINE_PREFIX } from '../../src/inbound/attachments.js';
import { BODIES_PREFIX } from '../../src/inbound/bodies.js';
import { EVENT_PAYLOAD_PREFIX, EXPIRES_AT } from '../../src/store/tables.js';
import { logicalId, roleStatements, type Synthesized, synthMailroom } from './support.js';

const KEY_ARN = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

let defaults: Synthesized;
let url: Synthesized;
let fronted: Synthesized;
let imported: Synthesized;
beforeAll(() => {
  defaults = synthMailroom();
  url = synthMailroom({ tracking: { httpsEndpoint: true }, alarms: { email: 'ops@acme.io' } });
  fronted = synthMailroom({
    tracking: { httpsEndpoint: true },
    publicEndpoints: {
      reservedConcurrency: 20,
      throttledFront: { enabled: true, rateLimit: 50, burstLimit: 100 },
      invocationsAlarmThreshold: 5000,
    },
    retention: { messagesDays: 30, eventsDays: 60, inboundDays: 90, attachmentsDays: 45, quarantineDays: 7, bodiesDays: null },
    encryption: { dataKey: { create: true } },
  });
  imported = synthMailroom({ encryption: { dataKey: { arn: KEY_ARN } }, retention: { eventsDays: null } });
});

const props = (x: Synthesized, id: string) => x.template.toJSON().Resources[id].Properties;
const env = (x: Synthesized, fn: Parameters<typeof logicalId>[0]) =>
  props(x, logicalId(fn)).Environment.Variables as Record<string, unknown>;

describe('public endpoints', () => {
  it('reserves concurrency for the public function: 5 by default, as configured otherwise', () => {
    // Assess
    expect(props(url, logicalId(url.stack.tracking.httpsFunction!.function)).ReservedConcurrentExecutions).toBe(5);
    expect(props(fronted, logicalId(fronted.stack.tracking.httpsFunction!.function)).ReservedConcurrentExecutions).toBe(20);
    // The send Lambdas keep theirs unset: their SQS event sources bound them.
    expect(props(url, logicalId(url.stack.send.email.function.function)).ReservedConcurrentExecutions).toBeUndefined();
  });

  it('reserves nothing when reservedConcurrency is null', () => {
    // Act
    const none = synthMailroom({ tracking: { httpsEndpoint: true }, publicEndpoints: { reservedConcurrency: null } });

    // Assess
    expect(props(none, logicalId(none.stack.tracking.httpsFunction!.function)).ReservedConcurrentExecutions).toBeUndefined();
  });

  it('serves through a function URL without the throttled front, and no API', () => {
    // Assess
    url.template.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'NONE',
      TargetFunctionArn: { 'Fn::GetAtt': [logicalId(url.stack.tracking.httpsFunction!.function), 'Arn'] },
    });
    url.template.resourceCountIs('AWS::ApiGatewayV2::Api', 0);
  });

  it('puts a throttled HTTP API in front when opted in, and then no function URL that would bypass it', () => {
    // Prepare
    const endpoint = fronted.stack.tracking.publicEndpoint!;

    // Assess
    fronted.template.resourceCountIs('AWS::Lambda::Url', 0);
    fronted.template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
    const stage = props(fronted, logicalId(endpoint.stage!));
    expect(stage).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
    expect(JSON.parse(stage.AccessLogSettings.Format)).toMatchObject({ requestId: '$context.requestId', status: '$context.status' });
    fronted.template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /' });
    // API Gateway may invoke the function only for this API.
    fronted.template.hasResourceProperties('AWS::Lambda::Permission', {
      Principal: 'apigateway.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [logicalId(endpoint.handler.function), 'Arn'] },
    });
  });

  it('alarms on invocations of the public function and on its throttles', () => {
    // Prepare
    const fn = { Ref: logicalId(fronted.stack.tracking.httpsFunction!.function) };
    const alarm = (x: Synthesized, c: Parameters<typeof logicalId>[0]) => props(x, logicalId(c));

    // Assess
    expect(alarm(fronted, fronted.stack.tracking.publicEndpoint!.invocationsAlarm)).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Invocations',
      Dimensions: [{ Name: 'FunctionName', Value: fn }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 5000,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(alarm(fronted, fronted.stack.tracking.publicEndpoint!.throttlesAlarm)).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Throttles',
      Dimensions: [{ Name: 'FunctionName', Value: fn }],
      Statistic: 'Sum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    expect(alarm(url, url.stack.tracking.publicEndpoint!.invocationsAlarm).Threshold).toBe(1000);
    expect(alarm(url, url.stack.tracking.publicEndpoint!.throttlesAlarm).AlarmActions).toEqual([{ Ref: logicalId(url.stack.alarmTopic!) }]);
  });
});

describe('retention', () => {
  it('gives the messages, events and inbound tables a TTL attribute, and the suppressions table none', () => {
    // Prepare
    const t = defaults.stack.tables.tables;

    // Assess
    for (const table of [t.messages, t.events, t.inbound]) {
      expect(props(defaults, logicalId(table)).TimeToLiveSpecification).toEqual({ AttributeName: EXPIRES_AT, Enabled: true });
    }
    expect(props(defaults, logicalId(t.suppressions)).TimeToLiveSpecification).toBeUndefined();
  });

  it('tells each store its retention days, and nothing when kept forever', () => {
    // Prepare
    const s = fronted.stack;

    // Assess
    expect(env(defaults, defaults.stack.send.email.function.function)[ENV.messagesRetentionDays]).toBe('365');
    expect(env(fronted, s.send.email.function.function)[ENV.messagesRetentionDays]).toBe('30');
    expect(env(fronted, s.send.sms.function.function)[ENV.messagesRetentionDays]).toBe('30');
    expect(env(fronted, s.tracking.function.function)[ENV.eventsRetentionDays]).toBe('60');
    expect(env(fronted, s.tracking.smsStatusFunction!.function)[ENV.eventsRetentionDays]).toBe('60');
    expect(env(fronted, s.inbound!.function.function)[ENV.inboundRetentionDays]).toBe('90');
    // The HTTPS endpoint stores events and ingests inbound mail.
    expect(env(fronted, s.tracking.httpsFunction!.function)).toMatchObject({
      [ENV.eventsRetentionDays]: '60',
      [ENV.inboundRetentionDays]: '90',
    });
    expect(env(imported, imported.stack.tracking.function.function)[ENV.eventsRetentionDays]).toBeUndefined();
  });

  it('expires attachments, quarantine, bodies and offloaded raw events by lifecycle rule', () => {
    // Prepare
    const rules = (x: Synthesized, bucket: Parameters<typeof logicalId>[0]) =>
      props(x, logicalId(bucket)).LifecycleConfiguration.Rules as { Prefix?: string; ExpirationInDays?: number; Status: string }[];
    const expiring = (x: Synthesized, bucket: Parameters<typeof logicalId>[0]) =>
      Object.fromEntries(
        rules(x, bucket)
          .filter((r) => r.Prefix !== undefined && r.ExpirationInDays !== undefined)
          .map((r) => [r.Prefix, r.ExpirationInDays]),
      );

    // Assess
    expect(expiring(defaults, defaults.stack.inbound!.bucket)).toMatchObject({ [ATTACHMENTS_PREFIX]: 365, [QUARANTINE_PREFIX]: 30 });
    expect(expiring(defaults, defaults.stack.tables.payloadBucket)).toMatchObject({ [EVENT_PAYLOAD_PREFIX]: 365, [BODIES_PREFIX]: 365 });
    expect(expiring(fronted, fronted.stack.inbound!.bucket)).toMatchObject({ [ATTACHMENTS_PREFIX]: 45, [QUARANTINE_PREFIX]: 7 });
    // null keeps forever: no rule at all.
    expect(expiring(fronted, fronted.stack.tables.payloadBucket)).toMatchObject({ [EVENT_PAYLOAD_PREFIX]: 60 });
    expect(expiring(fronted, fronted.stack.tables.payloadBucket)).not.toHaveProperty([BODIES_PREFIX]);
    expect(expiring(imported, imported.stack.tables.payloadBucket)).toMatchObject({ [BODIES_PREFIX]: 365 });
    expect(expiring(imported, imported.stack.tables.payloadBucket)).not.toHaveProperty([EVENT_PAYLOAD_PREFIX]);
    expect(rules(defaults, defaults.stack.inbound!.bucket).every((r) => r.Status === 'Enabled')).toBe(true);
  });
});

describe('customer-managed data key', () => {
  it('leaves AWS-managed encryption in place by default', () => {
    // Assess
    defaults.template.resourcePropertiesCountIs('AWS::DynamoDB::Table', { SSESpecification: { SSEEnabled: true, SSEType: 'KMS' } }, 0);
    for (const q of Object.values(defaults.template.findResources('AWS::SQS::Queue'))) expect(q.Properties.SqsManagedSseEnabled).toBe(true);
    for (const g of Object.values(defaults.template.findResources('AWS::Logs::LogGroup'))) expect(g.Properties.KmsKeyId).toBeUndefined();
  });

  it('encrypts the tables, queues, payload and inbound buckets and log groups with a created key', () => {
    // Prepare
    const keyArn = { 'Fn::GetAtt': [logicalId(fronted.stack.dataKey!), 'Arn'] };
    const s = fronted.stack;

    // Assess
    for (const table of Object.values(s.tables.tables)) {
      expect(props(fronted, logicalId(table)).SSESpecification).toEqual({ SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: keyArn });
    }
    const queues = Object.values(fronted.template.findResources('AWS::SQS::Queue'));
    expect(queues.length).toBeGreaterThanOrEqual(7);
    for (const q of queues) expect(q.Properties.KmsMasterKeyId).toEqual(keyArn);
    for (const bucket of [s.tables.payloadBucket, s.inbound!.bucket]) {
      expect(props(fronted, logicalId(bucket)).BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
        {
          BucketKeyEnabled: true,
          ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn },
        },
      ]);
    }
    const groups = Object.values(fronted.template.findResources('AWS::Logs::LogGroup'));
    expect(groups.length).toBeGreaterThanOrEqual(8);
    for (const g of groups) expect(g.Properties.KmsKeyId).toEqual(keyArn);
    expect(props(fronted, logicalId(s.dataKey!)).EnableKeyRotation).toBe(true);
  });

  it('lets CloudWatch Logs, SES (through S3) and SNS (through SQS) use a created key, for this account only', () => {
    // Prepare
    const statements = props(fronted, logicalId(fronted.stack.dataKey!)).KeyPolicy.Statement as {
      Sid?: string;
      Principal: unknown;
      Condition?: Record<string, Record<string, unknown>>;
    }[];
    const bySid = (sid: string) => statements.find((st) => st.Sid === sid)!;

    // Assess
    expect(bySid('AllowLogsToEncryptLogGroups').Condition!.ArnLike!['kms:EncryptionContext:aws:logs:arn']).toBeDefined();
    for (const sid of ['AllowSesToStoreMailThroughS3', 'AllowSnsToUseSubscriptionDlqs']) {
      expect(bySid(sid).Condition!.StringEquals).toMatchObject({
        'aws:SourceAccount': { Ref: 'AWS::AccountId' },
        'kms:ViaService': expect.anything(),
      });
    }
  });

  it('lets the roles that read or write objects of an SSE-KMS bucket use the key, through S3 only', () => {
    // Prepare
    const keyArn = { 'Fn::GetAtt': [logicalId(fronted.stack.dataKey!), 'Arn'] };
    const keyStatements = (role: Parameters<typeof roleStatements>[1]) =>
      roleStatements(fronted.template, role).filter(
        (st) => JSON.stringify(st.Resource) === JSON.stringify([keyArn]) && st.Condition !== undefined,
      );
    const viaS3 = {
      StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }]] } },
    };

    // Assess: the inbound Lambda reads raw mail and writes attachments and bodies.
    const inbound = keyStatements(fronted.stack.inbound!.function.role);
    expect(inbound.length).toBeGreaterThan(0);
    for (const st of inbound) expect(st.Condition).toEqual(viaS3);
    expect(new Set(inbound.flatMap((st) => st.Action))).toEqual(new Set(['kms:Decrypt', 'kms:GenerateDataKey']));
    // The tracking Lambda offloads raw events to the payload bucket.
    expect(new Set(keyStatements(fronted.stack.tracking.function.role).flatMap((st) => st.Action))).toEqual(
      new Set(['kms:Decrypt', 'kms:GenerateDataKey']),
    );
  });

  it('uses an imported key by ARN without creating one', () => {
    // Assess
    imported.template.resourceCountIs('AWS::KMS::Key', 1); // the topics' key only
    expect(props(imported, logicalId(imported.stack.tables.tables.messages)).SSESpecification.KMSMasterKeyId).toBe(KEY_ARN);
    expect(props(imported, logicalId(imported.stack.send.email.queue)).KmsMasterKeyId).toBe(KEY_ARN);
    expect(props(imported, logicalId(imported.stack.send.email.function.logGroup)).KmsKeyId).toBe(KEY_ARN);
  });
});

describe('topics', () => {
  type TopicStatement = { Sid?: string; Effect: string; Principal: unknown; Action: unknown; Condition?: unknown };
  const policyOf = (x: Synthesized, topic: Parameters<typeof logicalId>[0]): TopicStatement[] => {
    const policies = Object.values(x.template.findResources('AWS::SNS::TopicPolicy'));
    return policies
      .filter((p) => JSON.stringify(p.Properties.Topics) === JSON.stringify([{ Ref: logicalId(topic) }]))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as TopicStatement[]);
  };
  const arnJoin = (...parts: unknown[]) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ...parts]] });

  it('denies sns:Publish on the tracking topic to all but SES for this configuration set', () => {
    // Assess
    expect(policyOf(defaults, defaults.stack.tracking.topic)).toContainEqual(
      expect.objectContaining({
        Sid: 'OnlyTheConfigurationSetPublishes',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 'sns:Publish',
        Condition: {
          StringNotEquals: {
            'aws:SourceArn': arnJoin(':ses:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':configuration-set/', {
              Ref: logicalId(defaults.stack.tracking.configurationSet),
            }),
          },
        },
      }),
    );
  });

  it('denies sns:Publish on the receipt topic to all but SES for this receipt rule', () => {
    // Assess
    expect(policyOf(defaults, defaults.stack.inbound!.topic)).toContainEqual(
      expect.objectContaining({
        Sid: 'OnlyTheReceiptRulePublishes',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 'sns:Publish',
        Condition: { StringNotEquals: { 'aws:SourceArn': defaults.stack.resolve(defaults.stack.inbound!.receiptRuleArn) } },
      }),
    );
  });

  it('denies sns:Publish on the "inbound received" topic to all but the ingesting roles', () => {
    // Prepare
    const roles = [url.stack.inbound!.function.role, url.stack.tracking.httpsFunction!.role].map((r) => ({
      'Fn::GetAtt': [logicalId(r), 'Arn'],
    }));

    // Assess
    expect(policyOf(url, url.stack.inbound!.eventsTopic)).toContainEqual(
      expect.objectContaining({
        Sid: 'OnlyIngestionPublishes',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 'sns:Publish',
        Condition: { ArnNotEquals: { 'aws:PrincipalArn': roles } },
      }),
    );
  });

  it("denies sns:Publish on the alarm topic to all but this account's CloudWatch alarms", () => {
    // Assess
    expect(policyOf(url, url.stack.alarmTopic!)).toContainEqual(
      expect.objectContaining({
        Sid: 'OnlyAlarmsPublish',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 'sns:Publish',
        Condition: {
          ArnNotLike: { 'aws:SourceArn': arnJoin(':cloudwatch:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':alarm:*') },
        },
      }),
    );
  });

  it('signs every topic of the stack with SignatureVersion 2', () => {
    // Prepare
    const topics = Object.values(url.template.findResources('AWS::SNS::Topic'));

    // Assess
    expect(topics).toHaveLength(4); // tracking, receipt, inbound received, alarms
    for (const t of topics) expect(t.Properties.SignatureVersion).toBe('2');
  });
});
