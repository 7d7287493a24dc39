/**
 * Entry point of the email send Lambda (fed by the email queue). It wires the email schema and
 * the email kinds only (src/providers/kinds/email.ts), so the bundle carries neither the SMS
 * schema's numbering plan nor an SMS adapter. Its adapters are built from the provider
 * instances the configuration gave it (MAILROOM_PROVIDERS). Dependencies are built once per
 * cold start (in the init phase inside Lambda, see ../cold-start.ts); importing the module
 * elsewhere never needs the environment.
 */
import { emailMessageSchema } from '../../src/contract/email.js';
import { createValidator } from '../../src/contract/validator.js';
import { buildAdapters } from '../../src/providers/kinds/build.js';
import { EMAIL_KINDS } from '../../src/providers/kinds/email.js';
import { createProviderRegistry } from '../../src/providers/registry.js';
import { emailPolicyFromEnv } from '../../src/send/policy/email.js';
import { coldStart, IN_LAMBDA } from '../cold-start.js';
import { sendDepsFromEnv, type ChannelWiring } from './deps.js';
import { createSendHandler } from './handler.js';

export const emailWiring = {
  channel: 'email',
  validate: createValidator('email', emailMessageSchema),
  providers: async (instances, ctx) => createProviderRegistry({ email: await buildAdapters('email', instances, EMAIL_KINDS, ctx) }),
  // The same patterns are the send role's ses:FromAddress condition; this gives a named refusal first.
  policy: emailPolicyFromEnv,
} satisfies ChannelWiring;

export const handler = createSendHandler(coldStart(() => sendDepsFromEnv(process.env, emailWiring), { eager: IN_LAMBDA }));
