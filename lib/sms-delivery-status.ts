/**
 * SMS delivery receipts. SNS writes one log event per SMS to CloudWatch Logs, in
 * `sns/<region>/<account>/DirectPublishToPhoneNumber` (successes, sampled) and
 * `.../DirectPublishToPhoneNumber/Failure`, once the account-level SMS attribute
 * DeliveryStatusIAMRole names a role SNS may use
 * (https://docs.aws.amazon.com/sns/latest/dg/sms_stats_cloudwatch.html). This construct
 * creates that role, the two log groups (with retention) or references them, a subscription
 * filter on each feeding the SMS-status Lambda, and, opt-in, a custom resource that sets
 * the account attribute (SetSMSAttributes), since CloudFormation has no resource for it.
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as destinations from 'aws-cdk-lib/aws-logs-destinations';
import { Construct } from 'constructs';
import { AccountSettingResource } from './account-settings.js';
import type { OperationsConfig, SmsDeliveryStatusConfig } from './config.js';
import { logGroup, type MailroomFunction } from './defaults.js';
import { acknowledge } from './nag.js';

export interface SmsDeliveryStatusProps {
  readonly config: SmsDeliveryStatusConfig;
  readonly operations: OperationsConfig;
  /** The Lambda that normalizes the log events (lambdas/tracking/sms-status.ts). */
  readonly handler: MailroomFunction;
}

export class SmsDeliveryStatus extends Construct {
  /** Role SNS assumes to write SMS delivery logs (the DeliveryStatusIAMRole attribute). */
  public readonly role: iam.Role;
  public readonly successLogGroup: logs.ILogGroup;
  public readonly failureLogGroup: logs.ILogGroup;
  public readonly subscriptionFilters: readonly logs.SubscriptionFilter[];

  constructor(scope: Construct, id: string, props: SmsDeliveryStatusProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const successName = `sns/${stack.region}/${stack.account}/DirectPublishToPhoneNumber`;
    const failureName = `${successName}/Failure`;
    const group = (gid: string, logGroupName: string) =>
      props.config.createLogGroups
        ? logGroup(this, gid, props.operations, logGroupName)
        : logs.LogGroup.fromLogGroupName(this, gid, logGroupName);
    this.successLogGroup = group('SuccessLogs', successName);
    this.failureLogGroup = group('FailureLogs', failureName);

    this.role = new iam.Role(this, 'SnsLoggingRole', {
      // Only SNS acting for this account (confused deputy: another account's SNS cannot
      // make it write into these log groups).
      // SNS does not document an aws:SourceArn for SMS delivery-status logging, so the account.
      assumedBy: new iam.ServicePrincipal('sns.amazonaws.com').withConditions({ StringEquals: { 'aws:SourceAccount': stack.account } }),
      description: 'Mailroom: lets SNS write SMS delivery-status logs (account SMS attribute DeliveryStatusIAMRole)',
    });
    // The actions SNS uses for delivery-status logging, limited to the two SMS log groups
    // and their streams (the console-created role allows them on "*").
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:PutMetricFilter', 'logs:PutRetentionPolicy'],
        resources: [successName, failureName].map((name) =>
          stack.formatArn({
            service: 'logs',
            resource: 'log-group',
            resourceName: `${name}:*`,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ),
      }),
    );
    acknowledge(
      this.role,
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:sns/<AWS::Region>/<AWS::AccountId>/DirectPublishToPhoneNumber:*]',
      'SNS names the log streams itself; the grant is limited to the SMS success log group.',
    );
    acknowledge(
      this.role,
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:sns/<AWS::Region>/<AWS::AccountId>/DirectPublishToPhoneNumber/Failure:*]',
      'SNS names the log streams itself; the grant is limited to the SMS failure log group.',
    );

    const destination = new destinations.LambdaDestination(props.handler.function);
    this.subscriptionFilters = [
      new logs.SubscriptionFilter(this, 'SuccessSubscription', {
        logGroup: this.successLogGroup,
        destination,
        filterPattern: logs.FilterPattern.allEvents(),
      }),
      new logs.SubscriptionFilter(this, 'FailureSubscription', {
        logGroup: this.failureLogGroup,
        destination,
        filterPattern: logs.FilterPattern.allEvents(),
      }),
    ];

    if (props.config.setAccountAttributes) this.setAccountAttributes(props.config.successSamplingRate, props.operations);
  }

  /**
   * Account-wide: points SNS SMS delivery-status logging at this stack's role. On stack
   * deletion the attribute is cleared only if it still names this role (lib/account-settings.ts).
   */
  private setAccountAttributes(successSamplingRate: number, operations: OperationsConfig): void {
    new AccountSettingResource(this, 'AccountSmsAttributes', {
      setting: { Setting: 'SmsDeliveryStatus', RoleArn: this.role.roleArn, SuccessSamplingRate: String(successSamplingRate) },
      operations,
      statements: [
        // Set/GetSMSAttributes have no resource-level permissions.
        new iam.PolicyStatement({ actions: ['sns:SetSMSAttributes', 'sns:GetSMSAttributes'], resources: ['*'] }),
        new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: [this.role.roleArn] }),
      ],
    });
  }
}
