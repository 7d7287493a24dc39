/**
 * The stores write the DynamoDB TTL attribute (expiresAt, epoch seconds) from the item's own
 * time when a retention is configured, and nothing when it is not (lib: config `retention`).
 */
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import type { NormalizedEvent } from '../../../src/contract/records.js';
import { EventStore } from '../../../src/store/events.js';
import { InboundStore } from '../../../src/store/inbound.js';
import { MessageStore } from '../../../src/store/messages.js';
import { expiry } from '../../../src/store/retention.js';
import type { StoredInboundRecord } from '../../../src/store/types.js';

const doc = DynamoDBDocumentClient.from(
  new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
);
const ddb = mockClient(doc);
afterEach(() => ddb.reset());

const NOW = '2030-01-01T00:00:00.000Z';
const NOW_S = Date.parse(NOW) / 1000;
const DAY = 86_400;
const begin = {
  id: 'm',
  channel: 'email' as const,
  provider: 'ses',
  recipients: ['a@example.com', 'b@example.com'],
  now: NOW,
  bodySha256: 'h',
  idDerived: false,
};
const putItems = () => ddb.commandCalls(TransactWriteCommand).flatMap((c) => c.args[0].input.TransactItems!.map((t) => t.Put!.Item!));

describe('expiry', () => {
  it('is the time plus the days in epoch seconds, and nothing without a retention', () => {
    // Assess
    expect(expiry(NOW, 30)).toEqual({ expiresAt: NOW_S + 30 * DAY });
    expect(expiry(NOW, undefined)).toEqual({});
  });
});

describe('MessageStore retention', () => {
  it('writes expiresAt on the message item and on every recipient index item', async () => {
    // Prepare
    ddb.on(TransactWriteCommand).resolves({});

    // Act
    const { record } = await new MessageStore(doc, 't', undefined, 365).begin(begin);

    // Assess: the message item (carrying the first recipient) and the second recipient's index item.
    const items = putItems();
    expect(items.map((i) => [i.sk, i.recipient])).toEqual([
      ['message', 'a@example.com'],
      ['recipient#b@example.com', 'b@example.com'],
    ]);
    for (const item of items) expect(item.expiresAt).toBe(NOW_S + 365 * DAY);
    // The record as the contract shows it carries no storage attribute.
    expect(record).not.toHaveProperty('expiresAt');
  });

  it('counts from sendAt when the message is scheduled later, so it never expires unsent', async () => {
    // Prepare
    ddb.on(TransactWriteCommand).resolves({});
    const sendAt = '2030-03-01T00:00:00.000Z';

    // Act
    await new MessageStore(doc, 't', undefined, 10).begin({ ...begin, sendAt });

    // Assess
    for (const item of putItems()) expect(item.expiresAt).toBe(Date.parse(sendAt) / 1000 + 10 * DAY);
  });

  it('writes expiresAt on an invalid-message record', async () => {
    // Prepare
    ddb.on(PutCommand).resolves({});

    // Act
    await new MessageStore(doc, 't', undefined, 7).recordInvalid({
      id: 'bad',
      channel: 'email',
      now: NOW,
      rawBody: '{',
      bodySha256: 'h',
      idDerived: true,
      error: { code: 'invalid_message', message: 'not JSON', retryable: false },
    });

    // Assess
    expect(ddb.commandCalls(PutCommand)[0]!.args[0].input.Item!.expiresAt).toBe(NOW_S + 7 * DAY);
  });

  it('writes no expiresAt without a retention', async () => {
    // Prepare
    ddb.on(TransactWriteCommand).resolves({});

    // Act
    await new MessageStore(doc, 't').begin(begin);

    // Assess
    for (const item of putItems()) expect(item).not.toHaveProperty('expiresAt');
  });

  it('writes expiresAt on a cancel tombstone', async () => {
    // Prepare: no record yet, so cancel writes a tombstone.
    ddb.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'x', $metadata: {} }));
    ddb.on(GetCommand).resolves({});
    ddb.on(PutCommand).resolves({});
    const store = new MessageStore(doc, 't', undefined, 5);

    // Act
    const { outcome } = await store.cancel('m', NOW);

    // Assess
    expect(outcome).toBe('tombstoned');
    expect(ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item!.expiresAt)).toEqual([NOW_S + 5 * DAY]);
  });
});

describe('EventStore retention', () => {
  it('writes expiresAt from the event timestamp', async () => {
    // Prepare
    ddb.on(PutCommand).resolves({});
    const event: NormalizedEvent = {
      eventId: 'e1',
      eventType: 'delivered',
      provider: 'ses',
      channel: 'email',
      providerMessageId: 'p',
      recipient: 'a@example.com',
      timestamp: NOW,
      receivedAt: NOW,
    } as NormalizedEvent;

    // Act
    await new EventStore(doc, 'events', undefined, 60).put(event);

    // Assess
    expect(ddb.commandCalls(PutCommand)[0]!.args[0].input.Item!.expiresAt).toBe(NOW_S + 60 * DAY);
  });
});

describe('InboundStore retention', () => {
  it('writes expiresAt from receivedAt on the record and its index items', async () => {
    // Prepare
    ddb.on(TransactWriteCommand).resolves({});
    const record = {
      id: 'ses-1',
      receivedAt: NOW,
      envelopeRecipients: ['x@acme.io', 'y@acme.io'],
      to: [],
      cc: [],
      replyTo: [],
      attachments: [],
      verdicts: {},
      raw: { bucket: 'b', key: 'raw/ses-1' },
    } as unknown as StoredInboundRecord;

    // Act
    await new InboundStore(doc, 'inbound', 90).put(record);

    // Assess
    const items = putItems();
    expect(items).toHaveLength(3);
    for (const item of items) expect(item.expiresAt).toBe(NOW_S + 90 * DAY);
  });
});
