import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SuppressionStore } from '../../../src/store/suppressions.js';
import { type LocalEnv, localEnv } from '../../support/local.js';

let env: LocalEnv;
let store: SuppressionStore;

beforeAll(async () => {
  env = await localEnv();
  store = new SuppressionStore(env.clients.doc, env.resources.tables.suppressions);
});
afterAll(() => env.clients.destroy());

describe('SuppressionStore', () => {
  it('adds lower-cased, keeps the first reason and time, counts distinct events once', async () => {
    // Act
    expect(
      await store.add({ address: 'Bounce@Example.COM', reason: 'hardBounce', sourceEventId: 'e1', at: '2030-01-01T00:00:00.000Z' }),
    ).toBe(true);
    expect(
      await store.add({ address: 'bounce@example.com', reason: 'hardBounce', sourceEventId: 'e1', at: '2030-01-01T00:00:09.000Z' }),
    ).toBe(false);
    expect(
      await store.add({ address: 'bounce@example.com', reason: 'complaint', sourceEventId: 'e2', at: '2030-01-02T00:00:00.000Z' }),
    ).toBe(true);
    // Assess
    expect(await store.get('BOUNCE@example.com')).toEqual({
      address: 'bounce@example.com',
      reason: 'hardBounce',
      reasons: ['complaint', 'hardBounce'],
      firstSuppressedAt: '2030-01-01T00:00:00.000Z',
      lastSuppressedAt: '2030-01-02T00:00:00.000Z',
      count: 2,
      sourceEventIds: ['e1', 'e2'],
    });
  });

  it('counts every manual add (no event id to dedupe on) and removes', async () => {
    await store.add({ address: 'ops@example.com', reason: 'manual', at: '2030-01-01T00:00:00.000Z' });
    await store.add({ address: 'ops@example.com', reason: 'manual', at: '2030-01-01T00:00:01.000Z' });
    expect(await store.get('ops@example.com')).toMatchObject({ reason: 'manual', count: 2 });
    expect(await store.remove('OPS@example.com')).toBe(true);
    expect(await store.remove('ops@example.com')).toBe(false);
    expect(await store.get('ops@example.com')).toBeUndefined();
  });

  it('filters a list longer than one BatchGetItem (100 keys) down to the suppressed ones', async () => {
    // Prepare: 130 suppressed addresses (written in batches of 25), lookup of 260 mixed-case ones
    const suppressed = Array.from({ length: 130 }, (_, i) => `s${i}@example.com`);
    for (let i = 0; i < suppressed.length; i += 25) {
      await env.clients.doc.send(
        new BatchWriteCommand({
          RequestItems: {
            [env.resources.tables.suppressions]: suppressed.slice(i, i + 25).map((address) => ({
              PutRequest: {
                Item: {
                  address,
                  reason: 'hardBounce',
                  reasons: new Set(['hardBounce']),
                  firstSuppressedAt: 't',
                  lastSuppressedAt: 't',
                  count: 1,
                },
              },
            })),
          },
        }),
      );
    }
    const lookup = [...suppressed.map((a) => a.toUpperCase()), ...Array.from({ length: 130 }, (_, i) => `ok${i}@example.com`)];
    // Act
    const found = await store.filterSuppressed(lookup);
    // Assess
    expect(found.size).toBe(130);
    expect([...found.keys()].sort()).toEqual([...suppressed].sort());
    expect(found.get('s7@example.com')?.reason).toBe('hardBounce');
  });

  it('returns an empty map for no addresses without calling DynamoDB', async () => {
    expect((await store.filterSuppressed([])).size).toBe(0);
  });
});
