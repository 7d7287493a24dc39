/**
 * AccountSetting: a custom resource for an account-wide setting CloudFormation has no
 * resource for (the active SES receipt rule set, the SNS SMS delivery-status role). One
 * small Lambda per stack (lambdas/deploy/account-settings.ts) serves every such resource; on
 * stack deletion it undoes a setting only while the account still holds the value this stack
 * set, so a value an operator changed since is never cleared.
 */
import { CustomResource, Duration, Stack } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { AccountSetting } from '../src/deploy/account-settings.js';
import { LAMBDA_ENTRIES } from './bundling.js';
import type { OperationsConfig } from './config.js';
import { MailroomFunction } from './defaults.js';
import { acknowledge } from './nag.js';

export const ACCOUNT_SETTINGS_ENTRY = LAMBDA_ENTRIES.accountSettings;
const FUNCTION_ID = 'AccountSettingsHandler';

export interface AccountSettingProps {
  readonly setting: AccountSetting;
  readonly operations: OperationsConfig;
  /** What the handler may call for this setting (read the current value, set it). */
  readonly statements: readonly iam.PolicyStatement[];
}

export class AccountSettingResource extends Construct {
  public readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: AccountSettingProps) {
    super(scope, id);
    const handler = accountSettingsHandler(Stack.of(this), props.operations);
    for (const statement of props.statements) handler.role.addToPrincipalPolicy(statement);
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: handler.function.functionArn,
      resourceType: `Custom::Mailroom${props.setting.Setting}`,
      properties: { ...props.setting },
    });
    // The handler's permissions must exist before CloudFormation invokes it (and until the delete).
    this.resource.node.addDependency(handler.role);
  }
}

function accountSettingsHandler(stack: Stack, operations: OperationsConfig): MailroomFunction {
  const existing = stack.node.tryFindChild(FUNCTION_ID);
  if (existing) return existing as MailroomFunction;
  const fn = new MailroomFunction(stack, FUNCTION_ID, {
    entry: ACCOUNT_SETTINGS_ENTRY,
    description: 'Mailroom: applies and carefully undoes account-wide settings on deploy (custom resource)',
    serviceName: 'mailroom-account-settings',
    operations,
    timeout: Duration.seconds(60),
    environment: {},
    wildcardResourceReason:
      'ses:SetActiveReceiptRuleSet, ses:DescribeActiveReceiptRuleSet, sns:SetSMSAttributes and sns:GetSMSAttributes are account-level calls without resource-level permissions (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonses.html, .../list_amazonsns.html).',
  });
  acknowledge(
    fn.function,
    'Serverless-LambdaDLQ',
    'CloudFormation invokes this custom-resource handler and waits for its answer; a failure shows as a failed stack operation, not a lost event.',
  );
  return fn;
}
