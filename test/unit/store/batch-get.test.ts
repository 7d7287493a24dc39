import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { BatchGetIncompleteError, batchGetAll } from '../../../src/store/batch-get.js';

// DynamoDB Local never returns UnprocessedKeys, so the retry path is exercised with a mock.
const doc = DynamoDBDocumentClient.from(
  new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
);
const ddb = mockClient(doc);
const noSleep = async () => undefined;
afterEach(() => ddb.reset());

describe('batchGetAll', () => {
  it('sends at most 100 keys per call and retries unprocessed keys until served', async () => {
    // Prepare: first call for chunk 1 leaves 3 keys unprocessed
    const keys = Array.from({ length: 150 }, (_, i) => ({ address: `a${i}` }));
    let first = true;
    ddb.on(BatchGetCommand).callsFake((input: { RequestItems: Record<string, { Keys: { address: string }[] }> }) => {
      const asked = input.RequestItems.t!.Keys;
      if (first) {
        first = false;
        return { Responses: { t: asked.slice(3) }, UnprocessedKeys: { t: { Keys: asked.slice(0, 3) } } };
      }
      return { Responses: { t: asked } };
    });
    // Act
    const items = await batchGetAll(doc, 't', keys, { sleep: noSleep });
    // Assess
    const calls = ddb.commandCalls(BatchGetCommand).map((c) => c.args[0].input.RequestItems!.t!.Keys!.length);
    expect(calls).toEqual([100, 3, 50]);
    expect(items.map((i) => i.address).sort()).toEqual(keys.map((k) => k.address).sort());
  });

  it('gives up with BatchGetIncompleteError instead of returning a partial answer', async () => {
    ddb.on(BatchGetCommand).callsFake((input: { RequestItems: Record<string, { Keys: unknown[] }> }) => ({
      Responses: { t: [] },
      UnprocessedKeys: { t: { Keys: input.RequestItems.t!.Keys } },
    }));
    await expect(batchGetAll(doc, 't', [{ address: 'a' }], { sleep: noSleep, maxRounds: 2 })).rejects.toBeInstanceOf(
      BatchGetIncompleteError,
    );
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(3);
  });
});
