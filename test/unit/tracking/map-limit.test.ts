import { describe, expect, it } from 'vitest';
import type { MessageRecord, NormalizedEvent } from '../../../src/contract/records.js';
import type { MessageLookup } from '../../../src/tracking/deps.js';
import { enrich } from '../../../src/tracking/enrich.js';
import { mapLimit } from '../../../src/tracking/map-limit.js';

/** Resolves on a later turn of the event loop, so calls started together overlap. */
const later = <T>(value: T): Promise<T> => new Promise((resolve) => setImmediate(() => resolve(value)));

describe('mapLimit', () => {
  it('keeps input order and never has more than `limit` calls in flight', async () => {
    // Prepare
    let inFlight = 0;
    let peak = 0;
    const fn = async (n: number) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await later(undefined);
      inFlight -= 1;
      return n * 2;
    };
    // Act
    const out = await mapLimit([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 3, fn);
    // Assess
    expect(out).toEqual([2, 4, 6, 8, 10, 12, 14, 16, 18, 20]);
    expect(peak).toBe(3);
  });

  it('attempts every item, then throws the first error', async () => {
    // Prepare
    const attempted: number[] = [];
    const fn = async (n: number) => {
      attempted.push(n);
      await later(undefined);
      if (n % 2 === 0) throw new Error(`failed ${n}`);
      return n;
    };
    // Act / Assess
    await expect(mapLimit([1, 2, 3, 4], 2, fn)).rejects.toThrow('failed 2');
    expect(attempted.sort()).toEqual([1, 2, 3, 4]);
  });

  it('on no items returns [] without calling fn', async () => {
    expect(await mapLimit([], 4, () => Promise.reject(new Error('called')))).toEqual([]);
  });
});

describe('enrich over a batch of SMS receipts (one message each)', () => {
  it('looks the messages up concurrently and keeps the events in order, joined', async () => {
    // Prepare: 20 receipts, each about its own message; the lookup counts overlapping calls.
    let inFlight = 0;
    let peak = 0;
    const lookup: MessageLookup = {
      get: () => later(undefined),
      getByProviderMessageId: async (pmid) => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        const record = { id: `msg-${pmid}`, tags: ['otp'], metadata: { n: pmid } } as unknown as MessageRecord;
        const out = await later(pmid.endsWith('7') ? undefined : record);
        inFlight -= 1;
        return out;
      },
    };
    const events = Array.from(
      { length: 20 },
      (_, i): NormalizedEvent => ({
        eventId: `e${i}`,
        eventType: 'delivered',
        provider: 'sns',
        channel: 'sms',
        providerMessageId: `pm${i}`,
        recipient: '+12065550100',
        timestamp: '2024-01-01T00:00:00.000Z',
        receivedAt: '2024-01-01T00:00:01.000Z',
      }),
    );
    // Act
    const out = await enrich(events, lookup);
    // Assess
    expect(out.map((e) => e.event.eventId)).toEqual(events.map((e) => e.eventId));
    expect(out[3]).toMatchObject({ ours: true, event: { messageId: 'msg-pm3', tags: ['otp'], metadata: { n: 'pm3' } } });
    expect(out[7]).toEqual({ ours: false, event: events[7] });
    expect(peak).toBeGreaterThan(1);
  });
});
