/**
 * Account-wide settings: applied on create/update; on stack deletion undone only while the
 * account still holds what the stack set (SES SetActiveReceiptRuleSet /
 * DescribeActiveReceiptRuleSet, SNS SetSMSAttributes / GetSMSAttributes).
 */
import { DescribeActiveReceiptRuleSetCommand, SESClient, SetActiveReceiptRuleSetCommand } from '@aws-sdk/client-ses';
import { GetSMSAttributesCommand, SetSMSAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { applyAccountSetting, parseAccountSetting, undoAccountSetting } from '../../../src/deploy/account-settings.js';
import { ConfigError } from '../../../src/errors.js';

const ses = mockClient(SESClient);
const sns = mockClient(SNSClient);
const clients = { ses: new SESClient({}), sns: new SNSClient({}) };
beforeEach(() => {
  ses.reset();
  sns.reset();
  ses.on(SetActiveReceiptRuleSetCommand).resolves({});
  sns.on(SetSMSAttributesCommand).resolves({});
});

const ruleSet = parseAccountSetting({ Setting: 'ActiveReceiptRuleSet', RuleSetName: 'Mailroom-inbound' });
const ROLE = 'arn:aws:iam::111122223333:role/Mailroom-SnsLoggingRole';
const smsStatus = parseAccountSetting({ Setting: 'SmsDeliveryStatus', RoleArn: ROLE, SuccessSamplingRate: '100' });

describe('active receipt rule set', () => {
  it("activates the stack's rule set", async () => {
    // Act
    await applyAccountSetting(clients, ruleSet);

    // Assess
    expect(ses.commandCalls(SetActiveReceiptRuleSetCommand)[0]!.args[0].input).toEqual({ RuleSetName: 'Mailroom-inbound' });
  });

  it("deactivates on delete while the stack's rule set is still the active one", async () => {
    // Prepare
    ses.on(DescribeActiveReceiptRuleSetCommand).resolves({ Metadata: { Name: 'Mailroom-inbound' } });

    // Act
    const outcome = await undoAccountSetting(clients, ruleSet);

    // Assess
    expect(outcome).toBe('undone');
    expect(ses.commandCalls(SetActiveReceiptRuleSetCommand)[0]!.args[0].input).toEqual({});
  });

  it('leaves another active rule set (activated since) alone on delete', async () => {
    // Prepare
    ses.on(DescribeActiveReceiptRuleSetCommand).resolves({ Metadata: { Name: 'operators-own-set' } });

    // Act
    const outcome = await undoAccountSetting(clients, ruleSet);

    // Assess
    expect(outcome).toBe('kept');
    expect(ses.commandCalls(SetActiveReceiptRuleSetCommand)).toHaveLength(0);
  });

  it('does nothing on delete when no rule set is active', async () => {
    // Prepare
    ses.on(DescribeActiveReceiptRuleSetCommand).resolves({});

    // Act / Assess
    expect(await undoAccountSetting(clients, ruleSet)).toBe('kept');
    expect(ses.commandCalls(SetActiveReceiptRuleSetCommand)).toHaveLength(0);
  });
});

describe('SMS delivery-status role', () => {
  it('sets the role and the success sampling rate', async () => {
    // Act
    await applyAccountSetting(clients, smsStatus);

    // Assess
    expect(sns.commandCalls(SetSMSAttributesCommand)[0]!.args[0].input).toEqual({
      attributes: { DeliveryStatusIAMRole: ROLE, DeliveryStatusSuccessSamplingRate: '100' },
    });
  });

  it("clears the role on delete only while it still names the stack's role", async () => {
    // Prepare
    sns.on(GetSMSAttributesCommand).resolves({ attributes: { DeliveryStatusIAMRole: ROLE } });

    // Act
    const outcome = await undoAccountSetting(clients, smsStatus);

    // Assess
    expect(outcome).toBe('undone');
    expect(sns.commandCalls(GetSMSAttributesCommand)[0]!.args[0].input).toEqual({ attributes: ['DeliveryStatusIAMRole'] });
    expect(sns.commandCalls(SetSMSAttributesCommand)[0]!.args[0].input).toEqual({ attributes: { DeliveryStatusIAMRole: '' } });
  });

  it('keeps a role an operator set since', async () => {
    // Prepare
    sns.on(GetSMSAttributesCommand).resolves({ attributes: { DeliveryStatusIAMRole: 'arn:aws:iam::111122223333:role/other' } });

    // Act / Assess
    expect(await undoAccountSetting(clients, smsStatus)).toBe('kept');
    expect(sns.commandCalls(SetSMSAttributesCommand)).toHaveLength(0);
  });
});

describe('parseAccountSetting', () => {
  it('refuses properties that describe no known setting', () => {
    // Act / Assess
    expect(() => parseAccountSetting({ Setting: 'Other' })).toThrow(ConfigError);
    expect(() => parseAccountSetting({ Setting: 'SmsDeliveryStatus', RoleArn: ROLE, SuccessSamplingRate: 'all' })).toThrow(ConfigError);
  });
});
