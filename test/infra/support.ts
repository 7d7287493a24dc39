/**
 * Synthesizes the Mailroom app exactly as `cdk synth` does (lib/app.ts, cdk.json context,
 * cdk-nag plugin) and hands the template and the validation report to the tests.
 *
 * Bundling the four Lambdas with esbuild and CDK's built-in CloudFormation schema validation
 * take seconds each, so only the tests of the deployable artifact run them (`full: true`,
 * what `cdk synth` does); the wiring tests skip bundling through CDK's own
 * `aws:cdk:bundling-stacks` context (only the Lambda code asset differs) and the schema
 * validation. cdk-nag runs in every synthesis.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { createMailroomApp } from '../../lib/app.js';
import type { MailroomConfigInput } from '../../lib/config.js';
import type { MailroomStack } from '../../lib/mailroom-stack.js';

const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> };

export interface Violation {
  readonly ruleName: string;
  readonly severity: string;
  readonly description: string;
  readonly violatingConstructs: readonly { readonly constructPath: string }[];
}
export interface ValidationReport {
  readonly pluginReports: readonly { readonly pluginName: string; readonly violations: readonly Violation[] }[];
}

export interface Synthesized {
  readonly stack: MailroomStack;
  readonly template: Template;
  readonly report: ValidationReport;
  readonly assemblyDir: string;
}

export interface SynthOptions {
  /** Bundle the Lambdas and run CDK's CloudFormation validation, as `cdk synth` does. */
  readonly full?: boolean;
  /** Add constructs to the stack before synthesis. */
  readonly extend?: (stack: MailroomStack) => void;
}

export function synthMailroom(config?: MailroomConfigInput, options: SynthOptions = {}): Synthesized {
  const context: Record<string, unknown> = {
    ...cdkJson.context,
    // Report findings in the validation report instead of throwing, so a failing test can
    // list every finding.
    '@aws-cdk/core:failSynthOnValidationErrors': false,
    // As the CDK CLI does: asset metadata lets a test find each Lambda's bundle in the assembly.
    'aws:cdk:enable-asset-metadata': true,
    ...(options.full ? {} : { 'aws:cdk:bundling-stacks': [] }),
  };
  const { app, stack } = createMailroomApp({ context, config, builtinCloudFormationValidation: options.full ?? false });
  options.extend?.(stack);
  const assembly = app.synth();
  const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as ValidationReport;
  return { stack, template: Template.fromStack(stack), report, assemblyDir: assembly.directory };
}

/** Every finding of every validation plugin, one line each (empty when clean). */
export function findings(report: ValidationReport): string[] {
  return report.pluginReports.flatMap((p) =>
    p.violations.flatMap((v) =>
      v.violatingConstructs.map((c) => `${p.pluginName} ${v.severity} ${v.ruleName} at ${c.constructPath}: ${v.description}`),
    ),
  );
}

/** Logical ID of a construct's CloudFormation resource. */
export function logicalId(construct: IConstruct): string {
  return Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);
}

export interface Statement {
  readonly Effect: string;
  readonly Action: string[];
  readonly Resource: unknown[];
  readonly Sid?: string;
  readonly Condition?: unknown;
}

/** All identity-policy statements attached to a role, actions and resources as arrays. */
export function roleStatements(template: Template, role: IConstruct): Statement[] {
  const roleId = logicalId(role);
  const policies = Object.values(template.findResources('AWS::IAM::Policy')) as {
    Properties: { Roles: unknown[]; PolicyDocument: { Statement: Record<string, unknown>[] } };
  }[];
  return policies
    .filter((p) => p.Properties.Roles.some((r) => JSON.stringify(r) === JSON.stringify({ Ref: roleId })))
    .flatMap((p) => p.Properties.PolicyDocument.Statement)
    .map((s) => ({
      ...(s as unknown as Statement),
      Action: ([] as string[]).concat(s.Action as string | string[]),
      Resource: ([] as unknown[]).concat(s.Resource),
    }));
}

/** Statements of one AWS::IAM::Policy construct (e.g. an AwsCustomResource's CustomResourcePolicy). */
export function policyStatements(template: Template, policy: IConstruct): Statement[] {
  const doc = template.findResources('AWS::IAM::Policy')[logicalId(policy)]!.Properties.PolicyDocument as {
    Statement: Record<string, unknown>[];
  };
  return doc.Statement.map((s) => ({
    ...(s as unknown as Statement),
    Action: ([] as string[]).concat(s.Action as string | string[]),
    Resource: ([] as unknown[]).concat(s.Resource),
  }));
}

/** Resources of the statements granting `action` (resolved CloudFormation values). */
export function resourcesFor(statements: readonly Statement[], action: string): unknown[] {
  return statements.filter((s) => s.Effect === 'Allow' && s.Action.includes(action)).flatMap((s) => s.Resource);
}

/** Resolves a value the way it appears in the template (tokens to intrinsics). */
export function resolve(stack: Stack, value: unknown): unknown {
  return stack.resolve(value);
}

/** Sort helper for comparing lists of intrinsics regardless of order. */
export function sortJson(values: readonly unknown[]): string[] {
  return values.map((v) => JSON.stringify(v)).sort();
}
