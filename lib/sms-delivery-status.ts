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
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import type { OperationsConfig, SmsDeliveryStatusConfig } from './config.js';
import { removalPolicy, type MailroomFunction } from './defaults.js';
import { acknowledge, acknowledgeCustomResourceProvider } from './nag.js';

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
    const group = (gid: string, logGroupName: string) => props.config.createLogGroups
      ? new logs.LogGroup(this, gid, {
        logGroupName,
        retention: props.operations.logRetentionDays as logs.RetentionDays,
        removalPolicy: removalPolicy(props.operations),
      })
      : logs.LogGroup.fromLogGroupName(this, gid, logGroupName);
    this.successLogGroup = group('SuccessLogs', successName);
    this.failureLogGroup = group('FailureLogs', failureName);

    this.role = new iam.Role(this, 'SnsLoggingRole', {
      assumedBy: new iam.ServicePrincipal('sns.amazonaws.com'),
      description: 'Mailroom: lets SNS write SMS delivery-status logs (account SMS attribute DeliveryStatusIAMRole)',
    });
    // The actions SNS uses for delivery-status logging, limited to the two SMS log groups
    // and their streams (the console-created role allows them on "*").
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:PutMetricFilter', 'logs:PutRetentionPolicy'],
      resources: [successName, failureName].map((name) => stack.formatArn({
        service: 'logs', resource: 'log-group', resourceName: `${name}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      })),
    }));
    acknowledge(this.role, 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:sns/<AWS::Region>/<AWS::AccountId>/DirectPublishToPhoneNumber:*]',
      'SNS names the log streams itself; the grant is limited to the SMS success log group.');
    acknowledge(this.role, 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:sns/<AWS::Region>/<AWS::AccountId>/DirectPublishToPhoneNumber/Failure:*]',
      'SNS names the log streams itself; the grant is limited to the SMS failure log group.');

    const destination = new destinations.LambdaDestination(props.handler.function);
    this.subscriptionFilters = [
      new logs.SubscriptionFilter(this, 'SuccessSubscription', { logGroup: this.successLogGroup, destination, filterPattern: logs.FilterPattern.allEvents() }),
      new logs.SubscriptionFilter(this, 'FailureSubscription', { logGroup: this.failureLogGroup, destination, filterPattern: logs.FilterPattern.allEvents() }),
    ];

    if (props.config.setAccountAttributes) this.setAccountAttributes(props.config.successSamplingRate);
  }

  /**
   * Account-wide: points SNS SMS delivery-status logging at this stack's role. On delete the
   * attribute is cleared (the role it names is being deleted with the stack).
   */
  private setAccountAttributes(successSamplingRate: number): void {
    const call = (attributes: Record<string, string>): cr.AwsSdkCall => ({
      service: 'SNS',
      action: 'SetSMSAttributes',
      parameters: { attributes },
      physicalResourceId: cr.PhysicalResourceId.of('mailroom-sms-delivery-status'),
    });
    const set = call({ DeliveryStatusIAMRole: this.role.roleArn, DeliveryStatusSuccessSamplingRate: String(successSamplingRate) });
    const resource = new cr.AwsCustomResource(this, 'AccountSmsAttributes', {
      onCreate: set,
      onUpdate: set,
      onDelete: call({ DeliveryStatusIAMRole: '' }),
      installLatestAwsSdk: false,
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        // SetSMSAttributes has no resource-level permissions.
        new iam.PolicyStatement({ actions: ['sns:SetSMSAttributes'], resources: ['*'] }),
        new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: [this.role.roleArn] }),
      ]),
    });
    acknowledge(resource, 'AwsSolutions-IAM5[Resource::*]',
      'sns:SetSMSAttributes is an account-level call without resource-level permissions (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsns.html).');
    acknowledgeCustomResourceProvider(Stack.of(this));
  }
}
