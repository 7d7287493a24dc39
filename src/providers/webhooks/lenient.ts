/**
 * zod building blocks for provider webhook payloads, lenient the way the SES schema is
 * (src/tracking/normalizers/ses-schema.ts): every field optional, unknown fields ignored (the
 * raw payload keeps them), and a field of the wrong type degrades to absent instead of failing
 * the event. Only a payload that is not an object at all fails to parse (→ an `unknown` event).
 */
import * as z from 'zod';

export const opt = <T extends z.ZodType>(t: T) => t.optional().catch(undefined);
export const str = opt(z.string());
/** A string, or a number given where a string is documented (ids, codes, timestamps). */
export const strish = opt(z.union([z.string(), z.number().transform(String)]));
export const num = opt(z.number());
export const bool = opt(z.boolean());
/** Anything, kept as it is (maps read with own-key guards later). */
export const any = z.unknown().optional();
