/**
 * The send policy's infrastructure (issue 8, items 2 and 3): the environment that carries it
 * to the send Lambdas (src/send/policy enforces it), the `ses:FromAddress` condition that
 * enforces the allowed senders a second time in IAM, the alarms on held SMS and on SMS spend,
 * and the synth warnings for guardrails left open.
 */
import { Annotations, Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Construct } from 'constructs';
import { ENV } from '../src/config/runtime.js';
import { metricAlarm, type AlarmTarget } from './alarms.js';
import type { EmailConfig, SmsConfig } from './config-types.js';

/** The environment of one channel's send Lambda that describes its policy. */
export function sendPolicyEnvironment(channel: 'email' | 'sms', email: EmailConfig, sms: SmsConfig): Record<string, string | undefined> {
  if (channel === 'email') return { [ENV.emailAllowedFrom]: email.allowedFrom.length ? email.allowedFrom.join(',') : undefined };
  const limit = sms.destinationRateLimit;
  return {
    [ENV.smsAllowedCountries]: sms.allowedCountries.length ? sms.allowedCountries.join(',') : undefined,
    [ENV.smsDefaultMaxPrice]: sms.maxPrice.default?.toString(),
    [ENV.smsMaxPriceCeiling]: sms.maxPrice.ceiling?.toString(),
    [ENV.smsRangeDigits]: String(limit.nationalDigits),
    [ENV.smsRangeLimit]: String(perInstanceRangeLimit(limit.maxMessages, sms.maxConcurrency)),
    [ENV.smsRangeWindowSeconds]: String(limit.windowSeconds),
  };
}

/**
 * Each send Lambda counts in its own memory, so the account-wide limit is shared out among the
 * event source's maximum concurrency (as the send rate is); at least 1 while the hold is on.
 */
export function perInstanceRangeLimit(maxMessages: number, maxConcurrency: number): number {
  return maxMessages === 0 ? 0 : Math.max(1, Math.floor(maxMessages / maxConcurrency));
}

/**
 * IAM condition for the SES send statement: the From address must match one of the patterns
 * (StringLike, the same matching the send path applies). Undefined when any From is allowed.
 * https://docs.aws.amazon.com/ses/latest/dg/control-user-access.html
 */
export function fromAddressCondition(email: EmailConfig): Record<string, Record<string, string[]>> | undefined {
  return email.allowedFrom.length ? { StringLike: { 'ses:FromAddress': [...email.allowedFrom] } } : undefined;
}

/** Alarms: SMS held for their destination range (pumping signature), and month-to-date SMS spend. */
export function smsGuardrailAlarms(scope: Construct, sms: SmsConfig, service: string, target: AlarmTarget): void {
  if (sms.destinationRateLimit.maxMessages > 0) {
    metricAlarm(scope, 'SmsHeld', {
      metricName: 'held', service, threshold: 1,
      description: 'SMS were held: too many to one number range in a short window (SMS pumping signature). Check the destination ranges in the send logs.',
    }, target);
  }
  if (sms.spendAlarmUsd === null) return;
  // Account-level metric, no dimensions; Maximum is its valid statistic.
  // https://docs.aws.amazon.com/sns/latest/dg/sns-monitoring-using-cloudwatch.html
  const alarm = new cloudwatch.Alarm(scope, 'SmsSpend', {
    alarmDescription: `Mailroom: SMS spend this month reached ${sms.spendAlarmUsd} USD (AWS/SNS SMSMonthToDateSpentUSD).`,
    metric: new cloudwatch.Metric({ namespace: 'AWS/SNS', metricName: 'SMSMonthToDateSpentUSD', period: Duration.minutes(5), statistic: cloudwatch.Stats.MAXIMUM }),
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
    Annotations.of(scope).addWarningV2('mailroom:sms-allowed-countries',
      'sms.allowedCountries is empty: SMS may go to every country. List the countries you serve to refuse the rest (SMS pumping guardrail; docs/deploy.md, Security).');
  }
  if (email.allowedFrom.length === 0) {
    Annotations.of(scope).addWarningV2('mailroom:email-allowed-from',
      'email.allowedFrom is empty: producers may send from any address of ses.identities. List the senders you use (docs/deploy.md, Security).');
  }
}
