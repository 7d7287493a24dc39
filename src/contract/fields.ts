/**
 * Fields every message has (CONTRACT.md §1, "Common fields") and the small helpers both
 * channel schemas use.
 */
import * as z from 'zod';
import { hasLineBreak } from './address.js';
import { safeRecord } from './record.js';

export const MESSAGE_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/** A refinement refusing CR/LF: everything that can end up in a header goes through it. */
export function refineNoBreak(what: string): [(v: string) => boolean, { message: string }] {
  return [(v) => !hasLineBreak(v), { message: `${what} must not contain CR or LF` }];
}

/**
 * Metadata numbers are stored as DynamoDB numbers and read back as JavaScript numbers: only
 * those that survive both exactly are taken (|n| ≤ 2^53 - 1, and not below DynamoDB's 1e-130).
 * A larger or tinier number would be refused by the store after the send, or come back changed.
 */
const storableNumber = z
  .number()
  .refine((n) => Math.abs(n) <= Number.MAX_SAFE_INTEGER && (n === 0 || Math.abs(n) >= 1e-130), { message: 'metadata numbers must be within ±9007199254740991 (send larger or more precise values as strings)' });
const metadataValue = z.union([z.string(), storableNumber, z.boolean()]);

export const commonFields = {
  id: z.string().regex(MESSAGE_ID_PATTERN, 'id must be 1-128 of [A-Za-z0-9._:-]').optional(),
  tags: z.array(z.string().min(1).max(256).refine(...refineNoBreak('tag'))).max(50).optional(),
  metadata: safeRecord(z.string().min(1).max(128), metadataValue).optional(),
  provider: z.string().min(1).max(64).optional(),
  providerOptions: safeRecord(z.string(), z.unknown()).optional(),
  sendAt: z.iso.datetime({ offset: true }).optional(),
};
