/**
 * Entry point of the SMS send Lambda (fed by the SMS queue). It wires the SMS schema and the
 * SMS kinds only (src/providers/kinds/sms.ts), so the bundle carries neither the email schema
 * nor the MIME composer. Its adapters are built from the provider instances the configuration
 * gave it (MAILROOM_PROVIDERS). Dependencies are built once per cold start (in the init phase
 * inside Lambda, see ../cold-start.ts); importing the module elsewhere never needs the
 * environment.
 */
import { smsMessageSchema } from '../../src/contract/sms.js';
import { createValidator } from '../../src/contract/validator.js';
import { buildAdapters } from '../../src/providers/kinds/build.js';
import { SMS_KINDS } from '../../src/providers/kinds/sms.js';
import { createProviderRegistry } from '../../src/providers/registry.js';
import { smsPolicyFromEnv } from '../../src/send/policy/sms.js';
import { coldStart, IN_LAMBDA } from '../cold-start.js';
import { sendDepsFromEnv, type ChannelWiring } from './deps.js';
import { createSendHandler } from './handler.js';

export const smsWiring = {
  channel: 'sms',
  validate: createValidator('sms', smsMessageSchema),
  providers: async (instances, ctx) => createProviderRegistry({ sms: await buildAdapters('sms', instances, SMS_KINDS, ctx) }),
  policy: smsPolicyFromEnv,
} satisfies ChannelWiring;

export const handler = createSendHandler(coldStart(() => sendDepsFromEnv(process.env, smsWiring), { eager: IN_LAMBDA }));
