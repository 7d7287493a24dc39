import { Match } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { LAMBDA_RUNTIME } from '../../lib/defaults.js';
import { ENV } from '../../src/config/runtime.js';
import { logicalId, resolve, resourcesFor, roleStatements, type Synthesized, sortJson, synthMailroom } from './support.js';

const config = {
  ses: {
    fromDomain: 'mail.acme.io',
    identities: ['acme.io', 'ops@acme.io'],
    configurationSetName: 'acme-tracking',
    templates: ['welcome', 'receipt'],
  },
  email: { maxSendRate: 40, maxConcurrency: 4, batchSize: 5 },
  sms: { maxSendRate: 20, maxConcurrency: 2, senderId: 'Acme', originationNumber: '+14155550100' },
  send: {
    maxReceiveCount: 7,
    timeoutSeconds: 20,
    backoffBaseSeconds: 10,
    backoffMaxSeconds: 600,
    attachmentBuckets: [
      { bucket: 'acme-attachments', prefixes: ['outgoing/', 'invoices/'] },
      { bucket: 'partner-files', prefixes: ['mail/'], account: '444455556666' },
    ],
  },
};

let s: Synthesized;
const payloadObjects = (pattern: string) => ({
  'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(s.stack.tables.payloadBucket), 'Arn'] }, `/${pattern}`]],
});
beforeAll(() => {
  s = synthMailroom(config);
});

/** The newest nodejsNN.x runtime this aws-cdk-lib offers. */
function newestNodeRuntime(): string {
  const names = Object.values(lambda.Runtime)
    .filter((r): r is lambda.Runtime => r instanceof lambda.Runtime && /^nodejs\d+\.x$/.test(r.name))
    .map((r) => r.name);
  return names.sort((a, b) => Number(a.match(/\d+/)![0]) - Number(b.match(/\d+/)![0])).at(-1)!;
}

describe('SendPipeline queues', () => {
  it.each(['email', 'sms'] as const)('gives the %s queue an encrypted DLQ kept 14 days and a redrive after maxReceiveCount', (channel) => {
    // Prepare
    const { queue, dlq } = s.stack.send[channel];

    // Assess
    const queues = s.template.findResources('AWS::SQS::Queue');
    expect(queues[logicalId(queue)]!.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 6 * 20,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(dlq), 'Arn'] }, maxReceiveCount: 7 },
    });
    expect(queues[logicalId(dlq)]!.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 1_209_600 });
  });

  it('refuses non-TLS requests on every queue', () => {
    // Assess
    const queueIds = Object.keys(s.template.findResources('AWS::SQS::Queue'));
    const policies = Object.values(s.template.findResources('AWS::SQS::QueuePolicy'));
    for (const id of queueIds) {
      const denies = policies
        .filter((p) => JSON.stringify(p.Properties.Queues).includes(`"${id}"`))
        .flatMap((p) => p.Properties.PolicyDocument.Statement)
        .filter(
          (st: { Effect: string; Condition?: { Bool?: Record<string, string> } }) =>
            st.Effect === 'Deny' && st.Condition?.Bool?.['aws:SecureTransport'] === 'false',
        );
      expect(denies, id).toHaveLength(1);
    }
  });
});

describe('SendPipeline Lambdas', () => {
  it('runs every Lambda of the stack on arm64 with the newest Node.js runtime aws-cdk-lib offers', () => {
    // Assess
    expect(LAMBDA_RUNTIME.name).toBe(newestNodeRuntime());
    const functions = Object.values(s.template.findResources('AWS::Lambda::Function', { Properties: { Handler: 'index.handler' } }));
    expect(functions.length).toBeGreaterThanOrEqual(5);
    for (const fn of functions) {
      expect(fn.Properties.Runtime).toBe(newestNodeRuntime());
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
      expect(fn.Properties.LoggingConfig).toMatchObject({ LogFormat: 'JSON' });
    }
  });

  it.each([
    ['email', 4, 5, 10],
    ['sms', 2, 10, 10],
  ] as const)(
    'feeds the %s Lambda with partial batch responses, maximum concurrency %i and batch size %i',
    (channel, maxConcurrency, batchSize, perInstanceRate) => {
      // Prepare
      const { queue, function: fn } = s.stack.send[channel];

      // Assess
      s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::GetAtt': [logicalId(queue), 'Arn'] },
        FunctionName: { Ref: logicalId(fn.function) },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: maxConcurrency },
        BatchSize: batchSize,
      });
      const env = s.template.findResources('AWS::Lambda::Function')[logicalId(fn.function)]!.Properties.Environment.Variables;
      expect(env[ENV.maxSendRate]).toBe(String(perInstanceRate));
    },
  );

  it('configures the send Lambdas through the ENV names of src/config/runtime.ts', () => {
    // Prepare
    const { email, sms } = s.stack.send;
    const fns = s.template.findResources('AWS::Lambda::Function');
    const emailEnv = fns[logicalId(email.function.function)]!.Properties.Environment.Variables;
    const smsEnv = fns[logicalId(sms.function.function)]!.Properties.Environment.Variables;

    // Assess
    expect(emailEnv).toMatchObject({
      [ENV.queueUrl]: { Ref: logicalId(email.queue) },
      [ENV.dlqUrl]: { Ref: logicalId(email.dlq) },
      [ENV.messagesTable]: { Ref: logicalId(s.stack.tables.tables.messages) },
      [ENV.suppressionsTable]: { Ref: logicalId(s.stack.tables.tables.suppressions) },
      [ENV.defaultProvider]: 'ses',
      [ENV.maxReceiveCount]: '7',
      [ENV.backoffBaseSeconds]: '10',
      [ENV.backoffMaxSeconds]: '600',
      [ENV.ignoreUnsupportedFeatures]: 'false',
    });
    expect(smsEnv).toMatchObject({
      [ENV.queueUrl]: { Ref: logicalId(sms.queue) },
      [ENV.dlqUrl]: { Ref: logicalId(sms.dlq) },
      [ENV.defaultProvider]: 'sns',
    });
    // Each channel gets its own instances only, with the options the sections gave the built-ins.
    expect(JSON.parse(emailEnv[ENV.providers])).toEqual([{ name: 'ses', kind: 'ses', options: { configurationSet: 'acme-tracking' } }]);
    expect(JSON.parse(smsEnv[ENV.providers])).toEqual([
      { name: 'sns', kind: 'sns', options: { senderId: 'Acme', originationNumber: '+14155550100' } },
    ]);
  });
});

describe('SendPipeline IAM', () => {
  it('lets the email Lambda send only as the configured identities, through the configuration set and templates', () => {
    // Prepare
    const statements = roleStatements(s.template, s.stack.send.email.function.role);
    const arn = (resource: string, name: string) => resolve(s.stack, s.stack.formatArn({ service: 'ses', resource, resourceName: name }));
    // The `ses` instance names the configured set; the stack creates it under that name.
    const configSetArn = arn('configuration-set', 'acme-tracking');
    const expected = sortJson([
      arn('identity', 'acme.io'),
      arn('identity', 'ops@acme.io'),
      configSetArn,
      arn('template', 'welcome'),
      arn('template', 'receipt'),
    ]);

    // Assess
    for (const action of ['ses:SendEmail', 'ses:SendRawEmail', 'ses:SendBulkEmail']) {
      expect(sortJson(resourcesFor(statements, action)), action).toEqual(expected);
    }
    expect(
      statements
        .flatMap((st) => st.Action)
        .filter((a) => a.startsWith('ses:'))
        .sort(),
    ).toEqual(['ses:SendBulkEmail', 'ses:SendEmail', 'ses:SendRawEmail']);
    expect(resourcesFor(statements, 'sns:Publish')).toEqual([]);
  });

  it('lets the email Lambda read attachments only under the configured prefixes of buckets owned by the configured account', () => {
    // Prepare
    const statements = roleStatements(s.template, s.stack.send.email.function.role).filter((st) => st.Sid?.startsWith('ReadAttachments'));
    const objects = (bucket: string, prefix: string) => ({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::${bucket}/${prefix}*`]],
    });

    // Assess
    expect(statements).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Action: ['s3:GetObject'],
        Resource: expect.arrayContaining([objects('acme-attachments', 'outgoing/'), objects('acme-attachments', 'invoices/')]),
        Condition: { StringEquals: { 's3:ResourceAccount': { Ref: 'AWS::AccountId' } } },
      }),
      expect.objectContaining({
        Effect: 'Allow',
        Action: ['s3:GetObject'],
        Resource: [objects('partner-files', 'mail/')],
        Condition: { StringEquals: { 's3:ResourceAccount': '444455556666' } },
      }),
    ]);
    expect(statements.flatMap((st) => st.Resource)).toHaveLength(3);
  });

  it('tells the email Lambda the owner of each attachment bucket, for ExpectedBucketOwner', () => {
    // Prepare
    const env = s.template.toJSON().Resources[logicalId(s.stack.send.email.function.function)].Properties.Environment.Variables;
    const smsEnv = s.template.toJSON().Resources[logicalId(s.stack.send.sms.function.function)].Properties.Environment.Variables;

    // Assess
    expect(env[ENV.attachmentBucketOwners]).toEqual({
      'Fn::Join': ['', ['acme-attachments=', { Ref: 'AWS::AccountId' }, ',partner-files=444455556666']],
    });
    expect(smsEnv[ENV.attachmentBucketOwners]).toBeUndefined();
  });

  it.each(['email', 'sms'] as const)(
    'lets the %s Lambda write and read by-reference bodies under its own prefix of the payload bucket only',
    (channel) => {
      // Prepare
      const { function: fn } = s.stack.send[channel];
      const statements = roleStatements(s.template, fn.role);
      const env = s.template.findResources('AWS::Lambda::Function')[logicalId(fn.function)]!.Properties.Environment.Variables;

      // Assess
      expect(env[ENV.payloadBucket]).toEqual({ Ref: logicalId(s.stack.tables.payloadBucket) });
      expect(resourcesFor(statements, 's3:PutObject')).toEqual([payloadObjects(`sqs-bodies/${channel}/*`)]);
      expect(resourcesFor(statements, 's3:GetObject')).toContainEqual(payloadObjects(`sqs-bodies/${channel}/*`));
      expect(JSON.stringify(resourcesFor(statements, 's3:GetObject'))).not.toContain(
        `sqs-bodies/${channel === 'email' ? 'sms' : 'email'}/`,
      );
      expect([...new Set(statements.flatMap((st) => st.Action).filter((a) => a.startsWith('s3:')))].sort()).toEqual([
        's3:GetObject',
        's3:PutObject',
      ]);
    },
  );

  it('expires by-reference bodies once no DLQ entry or redriven copy can point at them (14 + 4 + 1 days)', () => {
    // Prepare
    const bucket = s.template.findResources('AWS::S3::Bucket')[logicalId(s.stack.tables.payloadBucket)]!;

    // Assess
    expect(bucket.Properties.LifecycleConfiguration.Rules).toContainEqual(
      expect.objectContaining({ Id: 'expire-sqs-bodies', Prefix: 'sqs-bodies/', ExpirationInDays: 19, Status: 'Enabled' }),
    );
  });

  it('lets the SMS Lambda publish to phone numbers (resource "*") but to no topic, and nothing in SES', () => {
    // Prepare
    const statements = roleStatements(s.template, s.stack.send.sms.function.role);

    // Assess
    expect(resourcesFor(statements, 'sns:Publish')).toEqual(['*']);
    expect(statements.filter((st) => st.Effect === 'Deny')).toEqual([
      expect.objectContaining({
        Action: ['sns:Publish'],
        Resource: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sns:*:*:*']] }],
      }),
    ]);
    expect(statements.flatMap((st) => st.Action).some((a) => a.startsWith('ses:'))).toBe(false);
  });

  it.each(['email', 'sms'] as const)('scopes the %s Lambda queue, DLQ and table access to its own resources', (channel) => {
    // Prepare
    const { queue, dlq, function: fn } = s.stack.send[channel];
    const statements = roleStatements(s.template, fn.role);
    const t = s.stack.tables.tables;

    // Assess
    expect(resourcesFor(statements, 'sqs:ChangeMessageVisibility')).toEqual([{ 'Fn::GetAtt': [logicalId(queue), 'Arn'] }]);
    expect(sortJson(resourcesFor(statements, 'sqs:SendMessage'))).toEqual(
      sortJson([{ 'Fn::GetAtt': [logicalId(queue), 'Arn'] }, { 'Fn::GetAtt': [logicalId(dlq), 'Arn'] }]),
    );
    expect(sortJson(resourcesFor(statements, 'dynamodb:UpdateItem'))).toEqual(
      sortJson([
        { 'Fn::GetAtt': [logicalId(t.messages), 'Arn'] },
        { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(t.messages), 'Arn'] }, '/index/*']] },
      ]),
    );
    expect(resourcesFor(statements, 'dynamodb:GetItem')).toContainEqual({ 'Fn::GetAtt': [logicalId(t.suppressions), 'Arn'] });
    expect(JSON.stringify(resourcesFor(statements, 'dynamodb:PutItem'))).not.toContain(logicalId(t.suppressions));
    expect(JSON.stringify(statements)).not.toContain(logicalId(t.events));
  });
});

describe('SendPipeline alarms', () => {
  it.each(['email', 'sms'] as const)('alarms when the %s DLQ holds any message', (channel) => {
    // Assess
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(s.stack.send[channel].dlq), 'QueueName'] } }],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
    });
  });

  it.each(['email', 'sms'] as const)('alarms on %s Lambda errors and on the Powertools failed and errored metrics', (channel) => {
    // Assess
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(s.stack.send[channel].function.function) } }],
      Threshold: 0,
    });
    for (const metric of ['failed', 'errored']) {
      s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'Mailroom',
        MetricName: metric,
        Dimensions: [{ Name: 'service', Value: `mailroom-send-${channel}` }],
        Statistic: 'Sum',
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Threshold: Match.anyValue(),
      });
    }
  });
});
