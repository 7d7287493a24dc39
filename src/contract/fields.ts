/**
 * Fields every message has (CONTRACT.md §1, "Common fields") and the small helpers both
 * channel schemas use.
 */
import * as z from 'zod';
import { hasLineBreak } from './address.js';
import { isStorableNumber } from './metadata-value.js';
import { safeRecord } from './record.js';

export const MESSAGE_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/** A refinement refusing CR/LF: everything that can end up in a header goes through it. */
export function refineNoBreak(what: string): [(v: string) => boolean, { message: string }] {
  return [(v) => !hasLineBreak(v), { message: `${what} must not contain CR or LF` }];
}

// Numbers the store keeps exactly (./metadata-value.ts).
const storableNumber = z.number().refine(isStorableNumber, { message: 'metadata numbers must be within ±9007199254740991 (send larger or more precise values as strings)' });
const metadataValue = z.union([z.string(), storableNumber, z.boolean()]);

export const commonFields = {
  id: z.string().regex(MESSAGE_ID_PATTERN, 'id must be 1-128 of [A-Za-z0-9._:-]').optional(),
  tags: z.array(z.string().min(1).max(256).refine(...refineNoBreak('tag'))).max(50).optional(),
  metadata: safeRecord(z.string().min(1).max(128), metadataValue).optional(),
  provider: z.string().min(1).max(64).optional(),
  providerOptions: safeRecord(z.string(), z.unknown()).optional(),
  sendAt: z.iso.datetime({ offset: true }).optional(),
};
