import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { MessageStore } from '../../../src/store/messages.js';

// DynamoDB Local serializes transactions, so it never cancels one with TransactionConflict;
// the retry for that case is exercised with a mock.
const doc = DynamoDBDocumentClient.from(
  new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
);
const ddb = mockClient(doc);
afterEach(() => ddb.reset());

const conflict = () =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: [{ Code: 'TransactionConflict' }, { Code: 'None' }],
  });
const input = {
  id: 'm',
  channel: 'email' as const,
  provider: 'ses',
  recipients: ['a@example.com', 'b@example.com'],
  now: '2030-01-01T00:00:00.000Z',
  bodySha256: 'h',
  idDerived: false,
};

describe('MessageStore.begin for one recipient', () => {
  it('writes one conditional PutItem carrying the recipient, and no transaction', async () => {
    // Prepare
    ddb.on(PutCommand).resolves({});
    // Act
    const out = await new MessageStore(doc, 't').begin({ ...input, recipients: ['a@example.com'] });
    // Assess
    expect(out.created).toBe(true);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
    const put = ddb.commandCalls(PutCommand).map((c) => c.args[0].input);
    expect(put).toHaveLength(1);
    expect(put[0]).toMatchObject({
      Item: { id: 'm', sk: 'message', recipient: 'a@example.com', status: 'pending' },
      ConditionExpression: 'attribute_not_exists(#id) OR #error.#code = :invalid',
    });
  });
});

describe('MessageStore.begin under a concurrent transaction', () => {
  it('tries again when DynamoDB cancels the transaction for a conflict', async () => {
    ddb.on(TransactWriteCommand).rejectsOnce(conflict()).resolves({});
    const out = await new MessageStore(doc, 't').begin(input);
    expect(out.created).toBe(true);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(2);
  });

  it('gives up after a few conflicts and lets the caller redeliver', async () => {
    ddb.on(TransactWriteCommand).rejects(conflict());
    await expect(new MessageStore(doc, 't').begin(input)).rejects.toBeInstanceOf(TransactionCanceledException);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(4);
  });
});
