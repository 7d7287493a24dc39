/**
 * cdk-nag acknowledgements. cdk-nag 3 runs as a CDK policy-validation plugin and uses CDK's
 * own Validations API to acknowledge findings (NagSuppressions is gone); an id of the form
 * `Rule[Finding]` acknowledges that one finding on that construct and its children, never a
 * whole rule for the stack. Every acknowledgement carries its reason; the README lists them.
 */
import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** Records a cdk-nag finding as acknowledged on one construct, with the reason. */
export function acknowledge(construct: IConstruct, id: string, reason: string): void {
  Validations.of(construct).acknowledge({ id, reason });
}

/** `<LogicalId.Arn>` as cdk-nag renders a Fn::GetAtt of the construct's resource in finding ids. */
function arnToken(construct: IConstruct): string {
  return `<${Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement)}.Arn>`;
}

/** Access to a table's global secondary indexes (`<table>/index/*`), which serve the query access patterns. */
export function acknowledgeIndexAccess(role: IConstruct, table: IConstruct): void {
  acknowledge(
    role,
    `AwsSolutions-IAM5[Resource::${arnToken(table)}/index/*]`,
    'Access to the table includes its global secondary indexes, which serve the documented query access patterns.',
  );
}

/** Object-level grants (`<bucket>/*` or a prefix) on a bucket of this stack. */
export function acknowledgeObjectAccess(role: IConstruct, bucket: IConstruct, reason: string, prefix = ''): void {
  acknowledge(role, `AwsSolutions-IAM5[Resource::${arnToken(bucket)}/${prefix}*]`, reason);
}
