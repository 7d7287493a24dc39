/**
 * The send policy's infrastructure (issue 8, items 2 and 3): the alarms on held SMS and on SMS
 * spend, and the synth warnings for guardrails left open. Its environment is produced with the
 * rest of the send Lambda's (src/config/lambda-env.ts); the `ses:FromAddress` condition is part
 * of the `ses` kind's grants (src/providers/kinds/ses/index.ts).
 */
import { Annotations, Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Construct } from 'constructs';
import { type AlarmTarget, metricAlarm } from './alarms.js';
import type { EmailConfig, SmsConfig } from './config.js';

/** Alarms: SMS held for their destination range (pumping signature), and month-to-date SMS spend. */
export function smsGuardrailAlarms(scope: Construct, sms: SmsConfig, service: string, target: AlarmTarget): void {
  if (sms.destinationRateLimit.maxMessages > 0) {
    metricAlarm(
      scope,
      'SmsHeld',
      {
        metricName: 'held',
        service,
        threshold: 1,
        description:
          'SMS were held: too many to one number range in a short window (SMS pumping signature). Check the destination ranges in the send logs.',
      },
      target,
    );
  }
  if (sms.spendAlarmUsd === null) return;
  // Account-level metric, no dimensions; Maximum is its valid statistic.
  // https://docs.aws.amazon.com/sns/latest/dg/sns-monitoring-using-cloudwatch.html
  const alarm = new cloudwatch.Alarm(scope, 'SmsSpend', {
    alarmDescription: `Mailroom: SMS spend this month reached ${sms.spendAlarmUsd} USD (AWS/SNS SMSMonthToDateSpentUSD).`,
    metric: new cloudwatch.Metric({
      namespace: 'AWS/SNS',
      metricName: 'SMSMonthToDateSpentUSD',
      period: Duration.minutes(5),
      statistic: cloudwatch.Stats.MAXIMUM,
    }),
    threshold: sms.spendAlarmUsd,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  if (target.topic) {
    alarm.addAlarmAction(new actions.SnsAction(target.topic));
    alarm.addOkAction(new actions.SnsAction(target.topic));
  }
}

/** Synth warnings for guardrails that are open by default (empty means "allow all"). */
export function sendPolicyWarnings(scope: Construct, email: EmailConfig, sms: SmsConfig): void {
  if (sms.allowedCountries.length === 0) {
    Annotations.of(scope).addWarningV2(
      'mailroom:sms-allowed-countries',
      'sms.allowedCountries is empty: SMS may go to every country. List the countries you serve to refuse the rest (SMS pumping guardrail; docs/deploy.md, Security).',
    );
  }
  if (email.allowedFrom.length === 0) {
    Annotations.of(scope).addWarningV2(
      'mailroom:email-allowed-from',
      'email.allowedFrom is empty: producers may send from any address of ses.identities. List the senders you use (docs/deploy.md, Security).',
    );
  }
}
