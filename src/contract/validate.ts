/**
 * Validation of a body for either channel (the CLI and producers' tooling). The send Lambdas
 * use createValidator (./validator.ts) with their own channel's schema instead, so each
 * bundles only its channel.
 */

import { emailMessageSchema } from './email.js';
import { type Channel, messageSchema } from './message.js';
import { smsMessageSchema } from './sms.js';
import { createValidator, parseJson, toValidated, type ValidatedMessage } from './validator.js';

export * from './validator.js';

const byChannel = { email: createValidator('email', emailMessageSchema), sms: createValidator('sms', smsMessageSchema) };

/** Validates a body; with expectedChannel, a message for the other channel is refused by name. */
export function validateMessage(rawBody: string, expectedChannel?: Channel): ValidatedMessage {
  if (expectedChannel) return byChannel[expectedChannel](rawBody);
  return toValidated(messageSchema.safeParse(parseJson(rawBody)), rawBody);
}

/** The validator of one channel's queue, for callers that have both schemas loaded anyway. */
export function validatorFor(channel: Channel): (rawBody: string) => ValidatedMessage {
  return byChannel[channel];
}
