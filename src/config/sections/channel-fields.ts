/**
 * Channel fields the Lambdas parse back from their environment (src/config/runtime.ts). Kept
 * apart from channels.ts, whose region check needs libphonenumber-js's metadata: every Lambda
 * bundle imports this file, and only the synth needs that check.
 */
import * as z from 'zod';
import { FROM_PATTERN } from '../../contract/config-fields.js';
import { PROVIDER_NAME } from '../../providers/names.js';

export const instanceName = z.string().regex(PROVIDER_NAME, 'a provider instance name: lower-case letters, digits, _ or -');

/** Messages per second: account-wide in the configuration, one instance's share in its environment. */
export const sendRate = z.number().positive();

/** The syntax of an ISO 3166-1 alpha-2 code; channels.ts adds "a region libphonenumber-js knows". */
export const countryCode = z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 region code (GB, US, ...)');

export const allowedFrom = z
  .array(
    z.string().regex(FROM_PATTERN, 'an address or IAM StringLike pattern with a lower-case domain (noreply@acme.io, *@notify.acme.io)'),
  )
  .default([]);

export const destinationRateLimit = z
  .strictObject({
    nationalDigits: z
      .number()
      .int()
      .min(1)
      .max(12)
      .default(6)
      .meta({ description: 'national digits after the country code that make one number range' }),
    maxMessages: z.number().int().min(0).default(20).meta({
      description:
        'SMS to one range per window, account-wide (shared out among the SMS Lambdas); more are held (retried later, metric `held`, alarmed); `0` turns it off',
    }),
    windowSeconds: z.number().int().min(1).max(86_400).default(600).meta({ description: 'the window' }),
  })
  .prefault({});

export const smsMaxPrice = z
  .strictObject({
    default: z.number().positive().optional().meta({ description: 'MaxPrice (USD) given to SMS that name none' }),
    ceiling: z
      .number()
      .positive()
      .optional()
      .meta({ description: 'a message `maxPrice` (USD) above it is refused, `max_price_above_ceiling`; ≥ `default`' }),
  })
  .prefault({});
