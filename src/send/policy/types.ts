/**
 * Send policy: what the operator allows a producer to send, checked in the send path before
 * any provider is called (issue 8, items 2 and 3). Each channel has its own implementation
 * (./email.ts, ./sms.ts), wired by its send Lambda, so the email bundle never carries the
 * numbering plan the SMS checks need.
 *
 * Two kinds of answer:
 * - a refusal: permanent, with a named code (`from_not_allowed`, `country_not_allowed`,
 *   `max_price_above_ceiling`); the message is recorded `failed` and dead-lettered with the
 *   reason, like every other permanent refusal;
 * - a hold: the destination range has had too many messages in a short window (the SMS
 *   pumping signature); the message waits and is retried, never dropped.
 */
import type { Message } from '../../contract/message.js';
import type { MessageError } from '../../contract/records.js';

/** Codes of the permanent refusals, as they appear in `error.code` and the DLQ attributes. */
export const POLICY_REFUSALS = ['from_not_allowed', 'country_not_allowed', 'max_price_above_ceiling'] as const;
export type PolicyRefusalCode = (typeof POLICY_REFUSALS)[number];

/** Code recorded (retryable) on a message held for its destination range. */
export const DESTINATION_HELD = 'destination_held';

export type Admission =
  | { readonly ok: true; readonly message: Message }
  | { readonly ok: false; readonly error: MessageError & { code: PolicyRefusalCode } };

export interface Hold {
  /** The destination range (e.g. `+44 770090`): a prefix, never a whole number. */
  readonly range: string;
  /** How long until the range has room again. */
  readonly retryAfterMs: number;
  readonly reason: string;
}

export interface SendPolicy {
  /** Refuses the message, or returns it with the operator's defaults applied (SMS MaxPrice). No I/O. */
  admit(message: Message): Admission;
  /**
   * Called right before the provider call: counts the send against its destination range and
   * goes ahead (undefined), or says how long the message must wait. No I/O.
   */
  hold?(message: Message, nowMs: number): Hold | undefined;
}

export function refusal(code: PolicyRefusalCode, message: string): Admission {
  return { ok: false, error: { code, message, retryable: false } };
}
