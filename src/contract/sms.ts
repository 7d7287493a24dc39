/**
 * SMS messages (docs/contract.md §1, "SMS fields"): destinations are E.164 mobile numbers,
 * origination numbers E.164, sender IDs as SNS accepts them.
 */
import * as z from 'zod';
import { E164_SYNTAX } from './e164.js';
import { commonFields } from './fields.js';
import { parseE164 } from './phone.js';

/** Origination numbers are checked for E.164 syntax only (see ./e164.ts). */
export { E164_SYNTAX };

/**
 * SNS sender IDs (AWS.SNS.SMS.SenderID): 3-11 letters, digits or hyphens with at least one
 * letter (https://docs.aws.amazon.com/sns/latest/dg/sms_publish-to-phone.html). The one rule
 * for messages, the SNS adapter's defaults and the stack configuration.
 */
export const SENDER_ID_PATTERN = /^(?=.*[A-Za-z])[A-Za-z0-9-]{3,11}$/;
/** SENDER_ID_PATTERN in words, for errors and the generated configuration reference. */
export const SENDER_ID_RULE = '3-11 letters, digits or hyphens, at least one letter (the SNS sender ID rule)';

export const smsMessageSchema = z
  .object({
    channel: z.literal('sms'),
    ...commonFields,
    to: z.string().transform((raw, ctx) => {
      const parsed = parseE164(raw);
      if (!parsed.ok) {
        ctx.addIssue({ code: 'custom', message: parsed.reason });
        return z.NEVER;
      }
      return parsed.value;
    }),
    body: z.string().min(1).max(1600),
    from: z
      .string()
      .refine((v) => E164_SYNTAX.test(v) || SENDER_ID_PATTERN.test(v), {
        message: `from must be an E.164 number or a sender ID of ${SENDER_ID_RULE}`,
      })
      .optional(),
    smsType: z.enum(['transactional', 'promotional']).default('transactional'),
    mediaUrls: z
      .array(z.url({ protocol: /^https$/ }))
      .max(10)
      .optional(),
    maxPrice: z.number().positive().optional(),
  })
  .strict();

export type SmsMessage = z.output<typeof smsMessageSchema>;
export type SmsMessageInput = z.input<typeof smsMessageSchema>;
