/**
 * THE deployment configuration (docs/contract.md §7): one zod schema, read by `cdk synth` (lib/app.ts)
 * and by `npm start` (src/local/config.ts), whose pieces also parse what each Lambda receives
 * (src/config/runtime.ts), and from which the configuration reference in the README is
 * generated (scripts/config-docs.ts). Every default and bound is written here, once.
 */
import * as z from 'zod';
import { STACK_NAME } from '../contract/config-fields.js';
import { KINDS } from '../providers/kinds.js';
import { emailSection, smsSection } from './sections/channels.js';
import { encryptionSection, publicEndpointsSection, retentionSection } from './sections/guardrails.js';
import { alarmsSection, operationsSection } from './sections/operations.js';
import { providersSection } from './sections/providers.js';
import { sendSection } from './sections/send.js';
import { sesSection } from './sections/ses.js';
import { inboundSection, trackingSection } from './sections/tracking.js';

export const configSchema = z.strictObject({
  stackName: z
    .string()
    .regex(STACK_NAME, 'must start with a letter and hold only letters, digits and dashes')
    .default('Mailroom')
    .meta({ description: 'CloudFormation stack name; default for the names below', shape: 'letters, digits, `-` (starts with a letter)' }),
  ses: sesSection,
  email: emailSection,
  sms: smsSection,
  providers: providersSection(KINDS),
  send: sendSection,
  tracking: trackingSection,
  inbound: inboundSection,
  alarms: alarmsSection,
  operations: operationsSection,
  publicEndpoints: publicEndpointsSection,
  retention: retentionSection,
  encryption: encryptionSection,
});

/** What a user writes: any subset, nested (the `mailroom` context value). */
export type MailroomConfigInput = z.input<typeof configSchema>;
/** The schema's output, before the defaults that depend on other fields. */
export type ParsedConfig = z.output<typeof configSchema>;
export type SectionName = keyof ParsedConfig;

type Section<K extends SectionName> = ParsedConfig[K];
/** The resolved configuration the constructs receive: every field set (src/config/resolve.ts). */
export type MailroomConfig = Omit<ParsedConfig, 'ses' | 'send' | 'inbound'> & {
  readonly ses: Section<'ses'> & { readonly identities: string[]; readonly configurationSetName: string };
  readonly send: Section<'send'> & { readonly visibilityTimeoutSeconds: number };
  readonly inbound: Section<'inbound'> & { readonly recipients: string[]; readonly ruleSetName: string };
};
export type EmailConfig = MailroomConfig['email'];
export type SmsConfig = MailroomConfig['sms'];
export type ChannelConfig = EmailConfig | SmsConfig;
