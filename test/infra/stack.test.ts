import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_BUDGET_BYTES, iconvTablesDir, MAIL_PARSER_BUNDLE_GOAL_BYTES, TABLES_DIR } from '../../lib/bundling.js';
import type { MailroomFunction } from '../../lib/defaults.js';
import { OUTPUT_KEYS } from '../../lib/mailroom-stack.js';
import { findings, logicalId, type Synthesized, synthMailroom } from './support.js';

/** Every opt-in on: the custom resources, function URL and alarm topic must pass cdk-nag too. */
const EVERYTHING_ON = {
  tracking: { httpsEndpoint: true, allowedTopicArns: ['arn:aws:sns:us-east-1:111122223333:ses-notifications'] },
  inbound: { activateRuleSet: true },
  sms: { deliveryStatus: { setAccountAttributes: true }, allowedCountries: ['GB', 'US'], maxPrice: { default: 0.05, ceiling: 0.5 } },
  alarms: { email: 'ops@acme.io' },
  send: { attachmentBuckets: [{ bucket: 'acme-attachments', prefixes: ['outgoing/'] }] },
  publicEndpoints: { throttledFront: { enabled: true } },
  encryption: { dataKey: { create: true as const } },
  email: { allowedFrom: ['noreply@example.com'] },
};

/** The synth warns, on purpose, about the guardrails a default stack leaves open (docs/deploy.md, Security). */
const OPEN_GUARDRAIL_WARNINGS = [
  expect.stringMatching(
    /^Construct Annotations warning Annotation::mailroom:sms-allowed-countries at Mailroom\/Default\/Send: sms\.allowedCountries is empty/,
  ),
  expect.stringMatching(
    /^Construct Annotations warning Annotation::mailroom:email-allowed-from at Mailroom\/Default\/Send: email\.allowedFrom is empty/,
  ),
];

let full: Synthesized;
let everything: Synthesized;
beforeAll(() => {
  // The deployable artifact, exactly as `npx cdk synth` builds it: bundled Lambdas,
  // CloudFormation schema validation and cdk-nag.
  full = synthMailroom(undefined, { full: true });
  everything = synthMailroom(EVERYTHING_ON);
});

describe('cdk-nag AwsSolutions and Serverless', () => {
  it('reports no unacknowledged finding, error or warning, for the default stack (and CDK validation is clean) but the open-guardrail warnings', () => {
    // Assess
    expect(findings(full.report)).toEqual(OPEN_GUARDRAIL_WARNINGS);
  });

  it('reports no unacknowledged finding with every opt-in feature on', () => {
    // Assess
    expect(findings(everything.report)).toEqual([]);
  });

  it('still reports a finding on a resource nobody acknowledged (no blanket acknowledgement hides it)', () => {
    // Act
    const probe = synthMailroom(undefined, { extend: (stack) => new sqs.Queue(stack, 'UnreviewedQueue') });

    // Assess
    const found = findings(probe.report);
    expect(found).toContainEqual(expect.stringMatching(/^AwsSolutions error AwsSolutions-SQS3 at Mailroom\/UnreviewedQueue\/Resource/));
    expect(found).toContainEqual(expect.stringMatching(/^AwsSolutions error AwsSolutions-SQS4 at Mailroom\/UnreviewedQueue\/Resource/));
  });

  it('acknowledges findings only on the resources concerned, each with a specific reason', () => {
    // Prepare
    const acks = Object.entries(
      everything.template.toJSON().Resources as Record<
        string,
        { Metadata?: { cdk_nag?: { rules_to_suppress: { id: string; reason: string }[] } } }
      >,
    ).flatMap(([id, r]) => (r.Metadata?.cdk_nag?.rules_to_suppress ?? []).map((a) => ({ resource: id, ...a })));
    const stack = everything.stack;
    const byRule = (prefix: string) => [...new Set(acks.filter((a) => a.id.startsWith(prefix)).map((a) => a.resource))].sort();

    // Assess
    expect(acks.length).toBeGreaterThan(0);
    for (const a of acks) expect(a.reason.length, `${a.resource} ${a.id}`).toBeGreaterThanOrEqual(60);
    expect(new Set(acks.map((a) => a.id.replace(/\[.*$/, '')))).toEqual(
      new Set([
        'AwsSolutions-IAM5',
        'AwsSolutions-SQS3',
        'AwsSolutions-S1',
        'AwsSolutions-APIG4',
        'Serverless-SQSRedrivePolicy',
        'Serverless-LambdaDLQ',
        'Serverless-LambdaEventSourceMappingDestination',
        'Serverless-SNSRedrivePolicy',
      ]),
    );
    // S1 (access logs) only on the access-log bucket, SQS3 only on the SNS subscription DLQs.
    const logs = logicalId(stack.tables.accessLogsBucket);
    expect(byRule('AwsSolutions-S1')).toEqual([logs, logicalId(stack.tables.accessLogsBucket.policy!)].sort());
    const dlqs = [stack.tracking.subscriptionDlq, stack.inbound!.subscriptionDlq];
    expect(byRule('AwsSolutions-SQS3')).toEqual(dlqs.flatMap((q) => [logicalId(q), logicalId(q.node.findChild('Policy'))]).sort());
    // No IAM5 acknowledgement for a wildcard action: grants name their actions, except the
    // two KMS action families aws-cdk-lib's queue and table grants add for the data key.
    expect(new Set(acks.filter((a) => a.id.includes('[Action::')).map((a) => a.id))).toEqual(
      new Set(['AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]']),
    );
    // Serverless-LambdaDLQ only on functions invoked synchronously (SQS event sources, the public endpoint) or by CloudFormation.
    const syncFunctions = [
      stack.send.email.function,
      stack.send.sms.function,
      stack.tracking.httpsFunction!,
      stack.node.findChild('AccountSettingsHandler') as MailroomFunction,
    ];
    const functions = Object.keys(everything.template.findResources('AWS::Lambda::Function'));
    expect(byRule('Serverless-LambdaDLQ').filter((id) => functions.includes(id))).toEqual(
      syncFunctions.map((f) => logicalId(f.function)).sort(),
    );
    // Index acknowledgements only for tables that have indexes (suppressions has none).
    expect(acks.filter((a) => a.id.includes(logicalId(stack.tables.tables.suppressions)))).toEqual([]);
    expect(acks.some((a) => a.id.includes(`${logicalId(stack.tables.tables.messages)}.Arn>/index/*`))).toBe(true);
  });
});

describe('stack outputs', () => {
  it('exports every OutputKey the CLI reads, pointing at the right resources', () => {
    // Prepare
    const outputs = everything.template.findOutputs('*');
    const stack = everything.stack;
    const t = stack.tables.tables;
    const ref = (c: Parameters<typeof logicalId>[0]) => ({ Ref: logicalId(c) });

    // Assess
    expect(Object.keys(outputs).sort()).toEqual([...OUTPUT_KEYS].sort());
    const expected: Record<string, unknown> = {
      EmailQueueUrl: ref(stack.send.email.queue),
      SmsQueueUrl: ref(stack.send.sms.queue),
      EmailDlqUrl: ref(stack.send.email.dlq),
      SmsDlqUrl: ref(stack.send.sms.dlq),
      MessagesTableName: ref(t.messages),
      EventsTableName: ref(t.events),
      InboundTableName: ref(t.inbound),
      SuppressionsTableName: ref(t.suppressions),
      InboundBucketName: ref(stack.inbound!.bucket),
      PayloadBucketName: ref(stack.tables.payloadBucket),
      TrackingTopicArn: ref(stack.tracking.topic),
      InboundTopicArn: ref(stack.inbound!.topic),
      InboundEventsTopicArn: ref(stack.inbound!.eventsTopic),
      ConfigurationSetName: ref(stack.tracking.configurationSet),
      TrackingUrl: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(stack.tracking.publicEndpoint!.httpApi!), 'ApiEndpoint'] }, '/']] },
      Region: { Ref: 'AWS::Region' },
      ReceiptRuleSetName: ref(stack.inbound!.ruleSet),
      SmsDeliveryStatusRoleArn: { 'Fn::GetAtt': [logicalId(stack.tracking.smsDeliveryStatus!.role), 'Arn'] },
    };
    for (const [key, value] of Object.entries(expected)) expect(outputs[key]!.Value, key).toEqual(value);
  });

  it('leaves TrackingUrl out when the HTTPS endpoint is off', () => {
    // Assess
    expect(Object.keys(full.template.findOutputs('*')).sort()).toEqual(OUTPUT_KEYS.filter((k) => k !== 'TrackingUrl').sort());
  });

  it('is environment-agnostic: no account or region baked in, so it synthesizes without AWS credentials', () => {
    // Assess
    expect(full.stack.account).toMatch(/^\$\{Token/);
    expect(full.stack.region).toMatch(/^\$\{Token/);
    expect(JSON.stringify(full.template.toJSON())).not.toMatch(/\b\d{12}\b/);
  });
});

describe('Lambda bundles', () => {
  const bundles = () => {
    const fns = full.template.findResources('AWS::Lambda::Function', { Properties: { Handler: 'index.handler' } });
    return [...new Set(Object.values(fns).map((f) => f.Metadata['aws:asset:path'] as string))].map((dir) => join(full.assemblyDir, dir));
  };

  it('bundles each handler into minified ESM with a createRequire banner and a source map', () => {
    // Assess
    const dirs = bundles();
    expect(dirs).toHaveLength(5); // send email, send sms, tracking, sms-status, inbound
    for (const dir of dirs) {
      const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
      expect(code.startsWith("import { createRequire as __mailroomCreateRequire } from 'node:module'")).toBe(true);
      expect(code).toMatch(/export\s*\{[^}]*\bas handler\b|export\s*\{[^}]*\bhandler\b/);
      expect(code).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map\s*$/);
      expect(statSync(join(dir, 'index.mjs.map')).size).toBeGreaterThan(0);
      // Minified: long lines (newlines left only inside template literals).
      expect(code.length / code.split('\n').length).toBeGreaterThan(500);
    }
  });

  it('keeps each send bundle within its 400 KiB budget (one channel per bundle)', () => {
    // Prepare
    const send = full.stack.send;
    const assetDir = (fn: IConstruct) =>
      join(full.assemblyDir, full.template.findResources('AWS::Lambda::Function')[logicalId(fn)]!.Metadata['aws:asset:path'] as string);
    // Assess
    for (const fn of [send.email.function.function, send.sms.function.function]) {
      expect(statSync(join(assetDir(fn), 'index.mjs')).size).toBeLessThan(400 * 1024);
    }
  });

  it("keeps every bundle under 1 MiB, and ships iconv-lite's tables beside the inbound bundle, which loads them lazily", () => {
    // Assess
    for (const dir of bundles()) expect(statSync(join(dir, 'index.mjs')).size, dir).toBeLessThan(BUNDLE_BUDGET_BYTES);
    const inbound = join(
      full.assemblyDir,
      full.template.findResources('AWS::Lambda::Function')[logicalId(full.stack.inbound!.function.function)]!.Metadata[
        'aws:asset:path'
      ] as string,
    );
    expect(readdirSync(join(inbound, TABLES_DIR)).sort()).toEqual(readdirSync(iconvTablesDir()).sort());
    expect(statSync(join(inbound, 'index.mjs')).size).toBeLessThan(MAIL_PARSER_BUNDLE_GOAL_BYTES);
  });

  it('loads each bundle on this Node.js with only the AWS SDK (provided by the Lambda runtime) left external', async () => {
    // Prepare: inside the repository, so `@aws-sdk/*` resolves from node_modules as the
    // runtime's SDK would; nothing else may be imported from outside the bundle.
    const root = fileURLToPath(new URL('../../node_modules/.cache/mailroom-infra-bundles/', import.meta.url));
    rmSync(root, { recursive: true, force: true });

    for (const [i, dir] of bundles().entries()) {
      const target = join(root, String(i));
      mkdirSync(target, { recursive: true });
      const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
      writeFileSync(join(target, 'index.mjs'), code);
      // Static imports start a statement; dynamic ones are import("...").
      const imports = [...code.matchAll(/(?:^|[;\n])import\s*(?:[\w$*{}\s,]+?from\s*)?["']([^"']+)["']|\bimport\(["']([^"']+)["']\)/g)].map(
        (m) => m[1] ?? m[2],
      );

      // Act
      const mod = (await import(pathToFileURL(join(target, 'index.mjs')).href)) as { handler?: unknown };

      // Assess
      expect(typeof mod.handler, dir).toBe('function');
      expect(
        imports.filter((spec) => !spec!.startsWith('@aws-sdk/') && !spec!.startsWith('node:')),
        dir,
      ).toEqual([]);
    }
    rmSync(root, { recursive: true, force: true });
  });
});
