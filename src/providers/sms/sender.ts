/**
 * Who an SMS comes from: the message's `from` (an E.164 origination number or an
 * alphanumeric sender ID), else the adapter's defaults. SNS rules
 * (https://docs.aws.amazon.com/sns/latest/dg/sms_publish-to-phone.html):
 * AWS.SNS.SMS.SenderID is 3-11 letters, digits or hyphens with at least one letter;
 * AWS.MM.SMS.OriginationNumber is 5-14 digits with an optional leading +, and must be a
 * number of the account.
 */

import type { SmsMessage } from '../../contract/message.js';
import { E164_SYNTAX, SENDER_ID_PATTERN } from '../../contract/sms.js';
import { ConfigError } from '../../errors.js';
import { PermanentProviderError } from '../errors.js';

export const SENDER_ID = SENDER_ID_PATTERN;
export const ORIGINATION_NUMBER = /^\+?\d{5,14}$/;

export interface SmsSenderDefaults {
  readonly defaultSenderId?: string;
  readonly defaultOriginationNumber?: string;
}

export interface ResolvedSender {
  readonly senderId?: string;
  readonly originationNumber?: string;
}

export function validateSenderDefaults(opts: SmsSenderDefaults): void {
  const problems: string[] = [];
  if (opts.defaultSenderId !== undefined && !SENDER_ID.test(opts.defaultSenderId)) {
    problems.push(`SMS sender ID "${opts.defaultSenderId}" must be 3-11 letters, digits or hyphens with at least one letter`);
  }
  if (opts.defaultOriginationNumber !== undefined && !ORIGINATION_NUMBER.test(opts.defaultOriginationNumber)) {
    problems.push(`SMS origination number "${opts.defaultOriginationNumber}" must be 5-14 digits with an optional leading +`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
}

/** The message's own `from` wins; without one, both configured defaults are passed on. */
export function resolveSender(message: SmsMessage, defaults: SmsSenderDefaults): ResolvedSender {
  if (message.from !== undefined) return E164_SYNTAX.test(message.from) ? { originationNumber: message.from } : { senderId: message.from };
  return {
    ...(defaults.defaultSenderId !== undefined ? { senderId: defaults.defaultSenderId } : {}),
    ...(defaults.defaultOriginationNumber !== undefined ? { originationNumber: defaults.defaultOriginationNumber } : {}),
  };
}

/** Refuses a resolved sender ID the carriers would not take, before any request is made. */
export function checkSenderId(sender: ResolvedSender, provider: string): void {
  if (sender.senderId !== undefined && !SENDER_ID.test(sender.senderId)) {
    throw new PermanentProviderError(
      `${provider}: sender ID "${sender.senderId}" must be 3-11 letters, digits or hyphens with at least one letter`,
      { provider, code: 'invalid_sender_id' },
    );
  }
}
