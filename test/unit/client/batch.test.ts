/**
 * How sendBatch cuts SendMessageBatch requests: 10 entries at most, the payload limit per
 * request (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunkEntries, MAX_BATCH_ENTRIES } from '../../../src/client/batch.js';

const sized = (bytes: number[]) => bytes.map((b, index) => ({ index, bytes: b }));

describe('chunkEntries', () => {
  it('cuts 25 small entries into 10, 10 and 5, in order', () => {
    const { chunks, oversized } = chunkEntries(sized(Array(25).fill(100)), 1000_000);
    expect(chunks.map((c) => c.length)).toEqual([10, 10, 5]);
    expect(chunks.flat().map((e) => e.index)).toEqual([...Array(25).keys()]);
    expect(oversized).toEqual([]);
  });

  it('starts a new request when the next body would pass the payload limit', () => {
    const { chunks } = chunkEntries(sized([400, 400, 300, 1000, 1]), 1000);
    expect(chunks.map((c) => c.map((e) => e.index))).toEqual([[0, 1], [2], [3], [4]]);
  });

  it('sets aside a body larger than the limit on its own, and keeps the rest', () => {
    const { chunks, oversized } = chunkEntries(sized([10, 1001, 10]), 1000);
    expect(chunks.map((c) => c.map((e) => e.index))).toEqual([[0, 2]]);
    expect(oversized.map((e) => e.index)).toEqual([1]);
  });

  it('every entry lands exactly once, and no request breaks a limit (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 1500 }), { maxLength: 60 }), fc.integer({ min: 1, max: 1200 }), (bytes, max) => {
        const { chunks, oversized } = chunkEntries(sized(bytes), max);
        const indexes = [...chunks.flat(), ...oversized].map((e) => e.index).sort((a, b) => a - b);
        expect(indexes).toEqual([...bytes.keys()]);
        for (const chunk of chunks) {
          expect(chunk.length).toBeGreaterThan(0);
          expect(chunk.length).toBeLessThanOrEqual(MAX_BATCH_ENTRIES);
          expect(chunk.reduce((n, e) => n + e.bytes, 0)).toBeLessThanOrEqual(max);
        }
        expect(oversized.every((e) => e.bytes > max)).toBe(true);
      }),
    );
  });
});
