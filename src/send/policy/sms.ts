/**
 * SMS send policy: the guardrails against SMS pumping (artificially inflated traffic, where
 * someone makes an application text premium ranges they profit from) and runaway spend.
 *
 * - Countries: the destination's region (libphonenumber-js, mobile metadata, as the contract's
 *   own number check) must be one of `allowedCountries` (ISO 3166-1 alpha-2); empty allows
 *   every country. Refusal: `country_not_allowed`.
 * - MaxPrice: a message without `maxPrice` gets the configured default; one above the ceiling
 *   is refused (`max_price_above_ceiling`). SNS drops a message whose price would exceed its
 *   MaxPrice (AWS.SNS.SMS.MaxPrice, https://docs.aws.amazon.com/sns/latest/dg/sms_publish-to-phone.html).
 * - Destination ranges: more than `limit` messages to one range (country calling code plus the
 *   first `nationalDigits` digits of the national number) within the window are held: the
 *   send path records them `errored` (`destination_held`, not counted against the retry
 *   budget), puts them back on the queue and counts the `held` metric, which an alarm watches.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/mobile';
import { ENV, type RuntimeEnv } from '../../config/runtime.js';
import type { Message } from '../../contract/message.js';
import { DestinationWindow } from './destination-window.js';
import { type Admission, type Hold, refusal, type SendPolicy } from './types.js';

export interface DestinationLimit {
  /** National digits after the country calling code that make a range. */
  readonly nationalDigits: number;
  /** Messages per range within the window (this instance's share); 0 turns the hold off. */
  readonly limit: number;
  readonly windowSeconds: number;
}

export interface SmsPolicyOptions {
  /** ISO 3166-1 alpha-2 regions; empty allows every country. */
  readonly allowedCountries: readonly string[];
  /** USD; applied to messages without `maxPrice`. */
  readonly defaultMaxPrice?: number;
  /** USD; a message asking for more is refused. */
  readonly maxPriceCeiling?: number;
  readonly destinationLimit?: DestinationLimit;
}

export function smsPolicy(opts: SmsPolicyOptions): SendPolicy {
  const countries = new Set(opts.allowedCountries.map((c) => c.toUpperCase()));
  const limit = opts.destinationLimit && opts.destinationLimit.limit > 0 ? opts.destinationLimit : undefined;
  const window = limit ? new DestinationWindow({ limit: limit.limit, windowMs: limit.windowSeconds * 1000 }) : undefined;
  return {
    admit(message: Message): Admission {
      if (message.channel !== 'sms') return { ok: true, message };
      if (countries.size > 0) {
        const country = parsePhoneNumberFromString(message.to)?.country;
        if (!country || !countries.has(country)) {
          return refusal(
            'country_not_allowed',
            `destination country ${country ?? 'unknown'} is not in sms.allowedCountries (${[...countries].join(', ')})`,
          );
        }
      }
      if (opts.maxPriceCeiling !== undefined && message.maxPrice !== undefined && message.maxPrice > opts.maxPriceCeiling) {
        return refusal(
          'max_price_above_ceiling',
          `maxPrice ${message.maxPrice} USD is above the ceiling of ${opts.maxPriceCeiling} USD (sms.maxPrice.ceiling)`,
        );
      }
      if (message.maxPrice === undefined && opts.defaultMaxPrice !== undefined)
        return { ok: true, message: { ...message, maxPrice: opts.defaultMaxPrice } };
      return { ok: true, message };
    },
    hold(message: Message, nowMs: number): Hold | undefined {
      if (!limit || !window || message.channel !== 'sms') return undefined;
      const range = destinationRange(message.to, limit.nationalDigits);
      const retryAfterMs = window.take(range, nowMs);
      if (retryAfterMs === 0) return undefined;
      return {
        range,
        retryAfterMs,
        reason: `${limit.limit} messages to the range ${range}… within ${limit.windowSeconds} s already (sms.destinationRateLimit); held`,
      };
    },
  };
}

/**
 * `+<country calling code> <first n national digits>` (`+44 770090`); the number's first digits
 * when it does not parse. The space keeps a range from reading as a number: it is a block of
 * numbers, logged as such, and the log masking (src/logging/mask.ts) leaves it readable.
 */
export function destinationRange(e164: string, nationalDigits: number): string {
  const phone = parsePhoneNumberFromString(e164);
  if (!phone) return `${e164.slice(0, 4)} ${e164.slice(4, 4 + nationalDigits)}`;
  return `+${phone.countryCallingCode} ${phone.nationalNumber.slice(0, nationalDigits)}`;
}

/** The SMS policy the environment describes (src/config/lambda-env.ts wrote it from the configuration). */
export function smsPolicyFromEnv(env: RuntimeEnv): SendPolicy {
  const defaultMaxPrice = env[ENV.smsDefaultMaxPrice];
  const maxPriceCeiling = env[ENV.smsMaxPriceCeiling];
  return smsPolicy({
    allowedCountries: env[ENV.smsAllowedCountries],
    ...(defaultMaxPrice !== undefined ? { defaultMaxPrice } : {}),
    ...(maxPriceCeiling !== undefined ? { maxPriceCeiling } : {}),
    destinationLimit: {
      nationalDigits: env[ENV.smsRangeDigits],
      limit: env[ENV.smsRangeLimit],
      windowSeconds: env[ENV.smsRangeWindowSeconds],
    },
  });
}
