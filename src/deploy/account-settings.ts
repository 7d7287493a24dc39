/**
 * Account-wide settings a stack may take over (opt-in): the active SES receipt rule set and
 * the SNS SMS delivery-status role. CloudFormation has no resource for either, so a custom
 * resource applies them. Deleting the stack undoes a setting only while it still holds the
 * value this stack set: an operator (or another stack) that changed it since keeps theirs.
 * (aws-cdk-lib's AwsCustomResource can only make one fixed call on delete, which cleared
 * or deactivated whatever was there.)
 */
import { DescribeActiveReceiptRuleSetCommand, type SESClient, SetActiveReceiptRuleSetCommand } from '@aws-sdk/client-ses';
import { GetSMSAttributesCommand, SetSMSAttributesCommand, type SNSClient } from '@aws-sdk/client-sns';
import * as z from 'zod';
import { ConfigError } from '../errors.js';

export const accountSettingSchema = z.discriminatedUnion('Setting', [
  z.object({ Setting: z.literal('ActiveReceiptRuleSet'), RuleSetName: z.string().min(1) }),
  z.object({
    Setting: z.literal('SmsDeliveryStatus'),
    RoleArn: z.string().startsWith('arn:'),
    SuccessSamplingRate: z.string().regex(/^\d{1,3}$/),
  }),
]);
export type AccountSetting = z.output<typeof accountSettingSchema>;

export interface AccountSettingsClients {
  readonly ses: SESClient;
  readonly sns: SNSClient;
}

/** The setting as the custom resource's properties describe it. */
export function parseAccountSetting(properties: unknown): AccountSetting {
  const parsed = accountSettingSchema.safeParse(properties);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  return parsed.data;
}

/** Create and update: makes the account hold the setting. */
export async function applyAccountSetting(clients: AccountSettingsClients, setting: AccountSetting): Promise<void> {
  if (setting.Setting === 'ActiveReceiptRuleSet') {
    await clients.ses.send(new SetActiveReceiptRuleSetCommand({ RuleSetName: setting.RuleSetName }));
    return;
  }
  await clients.sns.send(
    new SetSMSAttributesCommand({
      attributes: { DeliveryStatusIAMRole: setting.RoleArn, DeliveryStatusSuccessSamplingRate: setting.SuccessSamplingRate },
    }),
  );
}

/**
 * Delete: undoes the setting only if the account still holds what this stack set.
 * 'undone' or 'kept' (someone changed it since; theirs stays).
 */
export async function undoAccountSetting(clients: AccountSettingsClients, setting: AccountSetting): Promise<'undone' | 'kept'> {
  if (setting.Setting === 'ActiveReceiptRuleSet') {
    const active = await clients.ses.send(new DescribeActiveReceiptRuleSetCommand({}));
    if (active.Metadata?.Name !== setting.RuleSetName) return 'kept';
    // Without RuleSetName SES deactivates the active set; ours must be inactive to be deleted.
    await clients.ses.send(new SetActiveReceiptRuleSetCommand({}));
    return 'undone';
  }
  const current = await clients.sns.send(new GetSMSAttributesCommand({ attributes: ['DeliveryStatusIAMRole'] }));
  if (current.attributes?.DeliveryStatusIAMRole !== setting.RoleArn) return 'kept';
  // The role it names is deleted with the stack.
  await clients.sns.send(new SetSMSAttributesCommand({ attributes: { DeliveryStatusIAMRole: '' } }));
  return 'undone';
}
