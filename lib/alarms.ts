/**
 * Alarms every pipeline raises the same way: a DLQ holding anything, a Lambda reporting
 * errors, a Powertools metric crossing a threshold. Alarm actions go to the optional alarm
 * topic (config `alarms`); without one the alarms still show in the CloudWatch console.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { DEFAULT_METRICS_NAMESPACE } from '../src/logging/metrics.js';

/** Where alarms notify (undefined: console only). */
export interface AlarmTarget {
  readonly topic?: sns.ITopic;
  /** CloudWatch namespace of the handlers' metrics (`operations.metricsNamespace`). @default DEFAULT_METRICS_NAMESPACE */
  readonly namespace?: string;
}

/** Sends the alarm's ALARM and OK transitions to the target's topic, if any. */
export function wireAlarm(alarm: cloudwatch.Alarm, target: AlarmTarget): cloudwatch.Alarm {
  if (target.topic) {
    const action = new actions.SnsAction(target.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
  }
  return alarm;
}

/** Fires as soon as one message sits in the DLQ: each one is a message we could not handle. */
export function dlqDepthAlarm(scope: Construct, id: string, dlq: sqs.IQueue, what: string, target: AlarmTarget): cloudwatch.Alarm {
  return wireAlarm(
    new cloudwatch.Alarm(scope, id, {
      alarmDescription: `Mailroom: ${what} has messages in its dead-letter queue. Inspect them, fix the cause, then redrive.`,
      metric: dlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }),
    target,
  );
}

/**
 * Lambda `Errors`: invocations that threw or timed out. Per-message failures of a batch are
 * reported as partial batch responses and do not count here; this catches crashes.
 */
export function functionErrorsAlarm(
  scope: Construct,
  id: string,
  fn: lambda.IFunction,
  what: string,
  target: AlarmTarget,
): cloudwatch.Alarm {
  return wireAlarm(
    new cloudwatch.Alarm(scope, id, {
      alarmDescription: `Mailroom: the ${what} Lambda failed invocations (threw or timed out).`,
      metric: fn.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }),
    target,
  );
}

export interface MetricAlarmProps {
  /** Powertools metric name in the Mailroom namespace. */
  readonly metricName: string;
  /** Value of the Powertools `service` dimension (POWERTOOLS_SERVICE_NAME of the function). */
  readonly service: string;
  /** Alarm when the 5-minute sum reaches this. */
  readonly threshold: number;
  readonly description: string;
}

/** Alarm on a Powertools (EMF) metric the handlers emit in the configured namespace. */
export function metricAlarm(scope: Construct, id: string, props: MetricAlarmProps, target: AlarmTarget): cloudwatch.Alarm {
  return wireAlarm(
    new cloudwatch.Alarm(scope, id, {
      alarmDescription: `Mailroom: ${props.description}`,
      metric: new cloudwatch.Metric({
        namespace: target.namespace ?? DEFAULT_METRICS_NAMESPACE,
        metricName: props.metricName,
        dimensionsMap: { service: props.service },
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.SUM,
      }),
      threshold: props.threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }),
    target,
  );
}
