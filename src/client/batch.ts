/**
 * How `sendBatch` cuts messages into SendMessageBatch requests: at most 10 entries and at
 * most `maxBytes` of bodies per request (SQS counts the whole request against the payload
 * limit: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html).
 * Pure, so the limits are tested without a queue.
 */

/** SQS takes at most 10 entries in one SendMessageBatch. */
export const MAX_BATCH_ENTRIES = 10;
/** 256 KiB: the payload limit every SQS queue and endpoint accepts (queues created with a larger MaximumMessageSize take up to 1 MiB). */
export const DEFAULT_MAX_BATCH_BYTES = 256 * 1024;
/** 1 MiB: the largest payload SQS accepts in one request. */
export const MAX_BATCH_BYTES = 1024 * 1024;

export interface Sized {
  /** Position in the caller's array. */
  readonly index: number;
  readonly bytes: number;
}

/**
 * Groups entries (already one queue's, in order) into chunks of at most 10 whose byte sizes
 * sum to at most maxBytes. An entry larger than maxBytes on its own is returned in `oversized`
 * instead: no request could carry it.
 */
export function chunkEntries<T extends Sized>(entries: readonly T[], maxBytes: number): { chunks: T[][]; oversized: T[] } {
  const chunks: T[][] = [];
  const oversized: T[] = [];
  let current: T[] = [];
  let currentBytes = 0;
  for (const entry of entries) {
    if (entry.bytes > maxBytes) {
      oversized.push(entry);
      continue;
    }
    if (current.length === MAX_BATCH_ENTRIES || currentBytes + entry.bytes > maxBytes) {
      chunks.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(entry);
    currentBytes += entry.bytes;
  }
  if (current.length > 0) chunks.push(current);
  return { chunks, oversized };
}
