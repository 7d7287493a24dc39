/** The replay guards: in memory (bounded, expiring) and DynamoDB (conditional put with TTL). */
import { describe, expect, it } from 'vitest';
import { StorageError } from '../../../../src/errors.js';
import { MemoryReplayGuard } from '../../../../src/providers/webhooks/replay-guard.js';
import { DynamoReplayGuard } from '../../../../src/store/replay-guard.js';

describe('MemoryReplayGuard', () => {
  it('says seen for a key within its ttl, and not after', async () => {
    let now = 0;
    const guard = new MemoryReplayGuard(() => now);
    expect(await guard.seen('a', 10)).toBe(false);
    expect(await guard.seen('a', 10)).toBe(true);
    now = 10_001;
    expect(await guard.seen('a', 10)).toBe(false);
  });

  it('stays within its bound, dropping the oldest keys', async () => {
    const guard = new MemoryReplayGuard(() => 0, 3);
    for (const k of ['a', 'b', 'c', 'd']) await guard.seen(k, 60);
    expect(guard.size).toBe(3);
    expect(await guard.seen('d', 60)).toBe(true);
    expect(await guard.seen('a', 60)).toBe(false);
  });
});

describe('DynamoReplayGuard', () => {
  /** A document client that keeps items and evaluates the guard's one condition. */
  function table() {
    const items = new Map<string, Record<string, unknown>>();
    const sent: Array<Record<string, unknown>> = [];
    const client = {
      send: async (command: { input: { Item: Record<string, unknown>; ExpressionAttributeValues: { ':now': number } } }) => {
        const input = command.input;
        sent.push(input);
        const key = input.Item['key'] as string;
        const existing = items.get(key);
        if (existing && (existing['expiresAt'] as number) >= input.ExpressionAttributeValues[':now']) {
          throw Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });
        }
        items.set(key, input.Item);
        return {};
      },
    };
    return { client, items, sent };
  }

  it('puts the token with a TTL under a condition, and reports a second put as seen', async () => {
    const { client, sent } = table();
    const guard = new DynamoReplayGuard(client as never, { tableName: 'replay', clock: () => 1_000_000 });
    expect(await guard.seen('mailgun:tok', 600)).toBe(false);
    expect(await guard.seen('mailgun:tok', 600)).toBe(true);
    expect(sent[0]).toMatchObject({
      TableName: 'replay',
      Item: { key: 'mailgun:tok', expiresAt: 1000 + 600 },
      ConditionExpression: 'attribute_not_exists(#k) OR #t < :now',
    });
  });

  it('treats an expired item DynamoDB has not deleted yet as unseen', async () => {
    const { client } = table();
    let now = 1_000_000;
    const guard = new DynamoReplayGuard(client as never, { tableName: 'replay', clock: () => now });
    await guard.seen('k', 60);
    now += 61_000 + 1000;
    expect(await guard.seen('k', 60)).toBe(false);
  });

  it('turns any other failure into a retryable StorageError', async () => {
    const guard = new DynamoReplayGuard(
      {
        send: async () => Promise.reject(Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException' })),
      } as never,
      { tableName: 'replay' },
    );
    const error = await guard.seen('k', 60).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).retryable).toBe(true);
  });
});
