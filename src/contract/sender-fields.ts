/**
 * SMS sender fields: the `sms` section's defaults and the `sns` kind's options (one rule,
 * ./sms.ts). Apart from ./config-fields.ts so that what imports those does not bundle the
 * phone-number metadata ./sms.ts brings.
 */
import * as z from 'zod';
import { E164_SYNTAX, SENDER_ID_PATTERN, SENDER_ID_RULE } from './sms.js';
export const senderId = z.string().regex(SENDER_ID_PATTERN, SENDER_ID_RULE);
// E.164 syntax only: toll-free, 10DLC and long-code origination numbers are not mobile numbers.
export const originationNumber = z.string().regex(E164_SYNTAX, 'must be an E.164 phone number (+14155550100)');
