/**
 * The send policy's infrastructure (issue 8, items 2 and 3): environment to the send Lambdas,
 * the ses:FromAddress condition, no template permission by default, the held-SMS and spend
 * alarms, and the synth warnings for guardrails left open.
 */
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { perInstanceRangeLimit } from '../../src/config/lambda-env.js';
import { ENV } from '../../src/config/runtime.js';
import { logicalId, resourcesFor, roleStatements, type Synthesized, synthMailroom } from './support.js';

const guarded = {
  ses: { fromDomain: 'acme.io' },
  email: { allowedFrom: ['noreply@acme.io', '*@notify.acme.io'] },
  sms: {
    maxConcurrency: 4,
    allowedCountries: ['GB', 'US'],
    maxPrice: { default: 0.05, ceiling: 0.5 },
    destinationRateLimit: { nationalDigits: 5, maxMessages: 40, windowSeconds: 300 },
    spendAlarmUsd: 250,
  },
  alarms: { email: 'ops@acme.io' },
};

let s: Synthesized;
let open: Synthesized;
beforeAll(() => {
  s = synthMailroom(guarded);
  open = synthMailroom(undefined);
});

const envOf = (synth: Synthesized, fn: Parameters<typeof logicalId>[0]) =>
  synth.template.findResources('AWS::Lambda::Function')[logicalId(fn)]!.Properties.Environment.Variables as Record<string, unknown>;

describe('send policy infrastructure', () => {
  it('passes each channel its own policy, the range limit shared out among the send Lambdas', () => {
    // Act
    const email = envOf(s, s.stack.send.email.function.function);
    const sms = envOf(s, s.stack.send.sms.function.function);

    // Assess
    expect(email[ENV.emailAllowedFrom]).toBe('noreply@acme.io,*@notify.acme.io');
    expect(email[ENV.smsAllowedCountries]).toBeUndefined();
    expect(sms).toMatchObject({
      [ENV.smsAllowedCountries]: 'GB,US',
      [ENV.smsDefaultMaxPrice]: '0.05',
      [ENV.smsMaxPriceCeiling]: '0.5',
      [ENV.smsRangeDigits]: '5',
      [ENV.smsRangeLimit]: '10',
      [ENV.smsRangeWindowSeconds]: '300',
    });
    expect(sms[ENV.emailAllowedFrom]).toBeUndefined();
    expect([perInstanceRangeLimit(0, 4), perInstanceRangeLimit(3, 4), perInstanceRangeLimit(20, 2)]).toEqual([0, 1, 10]);
  });

  it('scopes SES sending to the allowed From addresses with an ses:FromAddress condition, and grants no template by default', () => {
    // Prepare
    const statements = roleStatements(s.template, s.stack.send.email.function.role);
    const send = statements.find((st) => st.Action.includes('ses:SendEmail'))!;

    // Assess
    expect(send.Condition).toEqual({ StringLike: { 'ses:FromAddress': ['noreply@acme.io', '*@notify.acme.io'] } });
    expect(JSON.stringify(resourcesFor(statements, 'ses:SendEmail'))).not.toContain(':template/');
    // Without a list there is no condition (the synth warns instead).
    const openSend = roleStatements(open.template, open.stack.send.email.function.role).find((st) => st.Action.includes('ses:SendEmail'))!;
    expect(openSend.Condition).toBeUndefined();
  });

  it('alarms on held SMS and on month-to-date SMS spend at the configured threshold', () => {
    // Assess
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Mailroom',
      MetricName: 'held',
      Dimensions: [{ Name: 'service', Value: 'mailroom-send-sms' }],
      Threshold: 1,
      AlarmActions: Match.anyValue(),
    });
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SNS',
      MetricName: 'SMSMonthToDateSpentUSD',
      Statistic: 'Maximum',
      Threshold: 250,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: Match.anyValue(),
    });
    open.template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'SMSMonthToDateSpentUSD', Threshold: 100 });
  });

  it('warns at synth when countries or senders are left open, and not when they are listed', () => {
    // Act
    const warnings = (synth: Synthesized) =>
      Annotations.fromStack(synth.stack)
        .findWarning('*', Match.stringLikeRegexp('allowedCountries|allowedFrom'))
        .map((w) => String(w.entry.data));

    // Assess
    expect(warnings(open)).toEqual([
      expect.stringContaining('sms.allowedCountries is empty'),
      expect.stringContaining('email.allowedFrom is empty'),
    ]);
    expect(warnings(s)).toEqual([]);
  });
});
