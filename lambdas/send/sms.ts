/**
 * Entry point of the SMS send Lambda (fed by the SMS queue). It wires the SMS schema and the
 * SNS adapter only, so the bundle carries neither the email schema nor the MIME composer.
 * Dependencies are built on the first invocation: importing never needs the environment.
 */
import { SNSClient } from '@aws-sdk/client-sns';
import { ENV } from '../../src/config/runtime.js';
import { smsMessageSchema } from '../../src/contract/sms.js';
import { createValidator } from '../../src/contract/validator.js';
import { createProviderRegistry } from '../../src/providers/registry.js';
import { SnsSmsProvider } from '../../src/providers/sms/sns.js';
import { smsPolicy } from '../../src/send/policy/sms.js';
import { sendDepsFromEnv, type ChannelWiring } from './deps.js';
import { createSendHandler } from './handler.js';

export const smsWiring: ChannelWiring = {
  channel: 'sms',
  validate: createValidator('sms', smsMessageSchema),
  providers(env) {
    const defaultSenderId = env[ENV.smsDefaultSenderId];
    const defaultOriginationNumber = env[ENV.smsDefaultOriginationNumber];
    return createProviderRegistry({
      sms: [new SnsSmsProvider(new SNSClient({}), { ...(defaultSenderId ? { defaultSenderId } : {}), ...(defaultOriginationNumber ? { defaultOriginationNumber } : {}) })],
    });
  },
  policy(env) {
    const defaultMaxPrice = env[ENV.smsDefaultMaxPrice];
    const maxPriceCeiling = env[ENV.smsMaxPriceCeiling];
    return smsPolicy({
      allowedCountries: env[ENV.smsAllowedCountries],
      ...(defaultMaxPrice !== undefined ? { defaultMaxPrice } : {}),
      ...(maxPriceCeiling !== undefined ? { maxPriceCeiling } : {}),
      destinationLimit: { nationalDigits: env[ENV.smsRangeDigits], limit: env[ENV.smsRangeLimit], windowSeconds: env[ENV.smsRangeWindowSeconds] },
    });
  },
};

export const handler = createSendHandler(() => sendDepsFromEnv(process.env, smsWiring));
