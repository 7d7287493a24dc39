/**
 * Fields every message has (docs/contract.md §1, "Common fields") and the small helpers both
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
const storableNumber = z.number().refine(isStorableNumber, {
  message: 'metadata numbers must be within ±9007199254740991 (send larger or more precise values as strings)',
});
const metadataValue = z.union([z.string(), storableNumber, z.boolean()]);

/**
 * Metadata is stored on the message item and copied onto every tracking event, and DynamoDB
 * refuses items over 400 KB: without a bound, a large value made the record write fail after
 * validation, and the message was retried, then redriven without a reason. 10 KiB of JSON, the
 * size SES keeps of a header, leaves the items ample room.
 */
export const METADATA_MAX_BYTES = 10 * 1024;

export const commonFields = {
  id: z.string().regex(MESSAGE_ID_PATTERN, 'id must be 1-128 of [A-Za-z0-9._:-]').optional(),
  tags: z
    .array(
      z
        .string()
        .min(1)
        .max(256)
        .refine(...refineNoBreak('tag')),
    )
    .max(50)
    .optional(),
  metadata: safeRecord(z.string().min(1).max(128), metadataValue)
    .refine((m) => new TextEncoder().encode(JSON.stringify(m)).length <= METADATA_MAX_BYTES, {
      message: `metadata must be at most ${METADATA_MAX_BYTES} bytes as JSON`,
    })
    .optional(),
  provider: z.string().min(1).max(64).optional(),
  providerOptions: safeRecord(z.string(), z.unknown()).optional(),
  sendAt: z.iso.datetime({ offset: true }).optional(),
};
