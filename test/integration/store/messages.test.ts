import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageStatus } from '../../../src/contract/records.js';
import type { BeginInput } from '../../../src/store/message-record.js';
import { MessageStore, TransitionConflictError } from '../../../src/store/messages.js';
import { type LocalEnv, localEnv } from '../../support/local.js';
import { describeTransitionTable, FUTURE, type SeedState, seedItem, T0 } from '../../support/message-store-transitions.js';

let env: LocalEnv;
let store: MessageStore;
let table: string;
let seq = 0;
const newId = (label: string) => `${label}-${++seq}`;

function beginInput(id: string, overrides: Partial<BeginInput> = {}): BeginInput {
  return {
    id,
    channel: 'email',
    provider: 'ses',
    recipients: ['a@example.com'],
    now: T0,
    bodySha256: 'h1',
    idDerived: false,
    ...overrides,
  };
}

/** Puts a message item straight into the table in a given state (all with claim token "tok"). */
async function seed(id: string, state: SeedState) {
  await env.clients.doc.send(new PutCommand({ TableName: table, Item: { ...seedItem(id, state), sk: 'message' } }));
}

async function item(id: string, sk = 'message') {
  return (await env.clients.doc.send(new GetCommand({ TableName: table, Key: { id, sk } }))).Item;
}

/**
 * The status byRecipient's entry for `recipient` holds: its index item's, or, for the recipient
 * the message item carries itself (the first one), the message item's own.
 */
async function indexStatus(id: string, recipient: string) {
  const indexItem = await item(id, `recipient#${recipient}`);
  if (indexItem) return indexItem['status'];
  const message = await item(id);
  return message?.['recipient'] === recipient ? message['status'] : undefined;
}

beforeAll(async () => {
  env = await localEnv();
  table = env.resources.tables.messages;
  let n = 0;
  store = new MessageStore(env.clients.doc, table, () => `token-${++n}`);
});
afterAll(() => env.clients.destroy());

describeTransitionTable('MessageStore (DynamoDB Local)', () => ({ store, seed, snapshot: (id) => item(id) }));

describe('MessageStore.begin', () => {
  it('creates a pending record and one index item per recipient, atomically', async () => {
    const id = newId('b');
    const out = await store.begin(
      beginInput(id, { recipients: ['a@example.com', 'b@example.com', 'a@example.com'], tags: ['t'], metadata: { k: 1 } }),
    );
    expect(out.created).toBe(true);
    expect(await store.get(id)).toMatchObject({ id, status: 'pending', attempts: 0, recipients: {}, tags: ['t'], metadata: { k: 1 } });
    expect(await item(id, 'recipient#b@example.com')).toEqual({
      id,
      sk: 'recipient#b@example.com',
      recipient: 'b@example.com',
      createdAt: T0,
      channel: 'email',
      status: 'pending',
    });
    // The first recipient's byRecipient entry is the message item itself; it is no record field.
    expect(await item(id)).toMatchObject({ recipient: 'a@example.com', createdAt: T0 });
    expect(await item(id, 'recipient#a@example.com')).toBeUndefined();
    expect((await store.get(id)) as unknown as Record<string, unknown>).not.toHaveProperty('recipient');
  });

  it('writes a message to one recipient as a single item that the byRecipient query finds', async () => {
    // Prepare
    const id = newId('single');
    const who = `${id}@example.com`;
    // Act
    const out = await store.begin(beginInput(id, { recipients: [who] }));
    const again = await store.begin(beginInput(id, { recipients: [who] }));
    // Assess
    expect([out.created, again.created]).toEqual([true, false]);
    const { Items = [] } = await env.clients.doc.send(
      new QueryCommand({ TableName: table, KeyConditionExpression: 'id = :id', ExpressionAttributeValues: { ':id': id } }),
    );
    expect(Items.map((i) => i['sk'])).toEqual(['message']);
    expect((await store.listByRecipient(who)).items.map((m) => [m.id, m.status])).toEqual([[id, 'pending']]);
  });

  it('returns the existing record for the same id instead of replacing it', async () => {
    const id = newId('dup');
    await store.begin(beginInput(id));
    const claim = await store.claim(id, { now: T0, leaseUntil: FUTURE, receiveCount: 1 });
    if (!claim.claimed) throw new Error('expected claim');
    await store.markSent(id, claim.token, {
      provider: 'ses',
      providerMessageId: 'p-1',
      recipients: { 'a@example.com': { status: 'sent' } },
      sentAt: T0,
    });
    const again = await store.begin(beginInput(id, { bodySha256: 'other' }));
    expect(again.created).toBe(false);
    expect(again.record).toMatchObject({ status: 'sent', providerMessageId: 'p-1', bodySha256: 'h1' });
  });

  it('may replace an invalid-message record (nothing was sent under it) but no other failed record', async () => {
    const invalidId = newId('inv');
    await store.recordInvalid({
      id: invalidId,
      idDerived: false,
      channel: 'email',
      error: { code: 'invalid_message', message: 'bad', retryable: false },
      rawBody: '{',
      bodySha256: 'x',
      now: T0,
    });
    expect((await store.begin(beginInput(invalidId))).created).toBe(true);
    expect((await store.get(invalidId))?.status).toBe('pending');

    const failedId = newId('failed');
    await seed(failedId, 'failed');
    expect((await store.begin(beginInput(failedId))).created).toBe(false);
    expect((await store.get(failedId))?.status).toBe('failed');
  });
});

describe('MessageStore per-recipient state', () => {
  it('markSent fills absent recipients and leaves the ones tracking already advanced', async () => {
    // Prepare: tracking recorded a delivery for b@ before markSent
    const id = newId('race');
    await store.begin(beginInput(id, { recipients: ['a@example.com', 'b@example.com'] }));
    const claim = await store.claim(id, { now: T0, leaseUntil: FUTURE, receiveCount: 1 });
    if (!claim.claimed) throw new Error('expected claim');
    await env.clients.doc.send(
      new UpdateCommand({
        TableName: table,
        Key: { id, sk: 'message' },
        UpdateExpression: 'SET recipients.#r = :s',
        ExpressionAttributeNames: { '#r': 'b@example.com' },
        ExpressionAttributeValues: { ':s': { status: 'delivered', lastEventType: 'delivered', lastEventAt: T0 } },
      }),
    );
    // Act
    await store.markSent(id, claim.token, {
      provider: 'ses',
      recipients: {
        'a@example.com': { status: 'sent', providerMessageId: 'pa' },
        'b@example.com': { status: 'sent', providerMessageId: 'pb' },
      },
      sentAt: T0,
    });
    // Assess
    const record = await store.get(id);
    expect(record?.status).toBe('sent');
    expect(record?.recipients).toEqual({
      'a@example.com': { status: 'sent', providerMessageId: 'pa' },
      'b@example.com': { status: 'delivered', lastEventType: 'delivered', lastEventAt: T0, providerMessageId: 'pb' },
    });
    expect(record?.claimToken).toBeUndefined();
    expect(record?.leaseExpiresAt).toBeUndefined();
  });

  it('markErrored counts throttles separately and clears the claim', async () => {
    const id = newId('err');
    await store.begin(beginInput(id));
    const claim = await store.claim(id, { now: T0, leaseUntil: FUTURE, receiveCount: 1 });
    if (!claim.claimed) throw new Error('expected claim');
    expect(claim.record.attempts).toBe(1);
    await store.markErrored(id, claim.token, {
      error: { code: 'throttled', message: 'slow down', retryable: true },
      throttled: true,
      now: T0,
      nextAttemptAt: FUTURE,
    });
    expect(await store.get(id)).toMatchObject({
      status: 'errored',
      attempts: 1,
      throttles: 1,
      nextAttemptAt: FUTURE,
      error: { code: 'throttled' },
    });
    expect((await store.get(id))?.claimToken).toBeUndefined();
  });
});

describe('MessageStore queries', () => {
  it('finds a message by its message-level or per-recipient provider id', async () => {
    const id = newId('pmid');
    await store.begin(beginInput(id, { recipients: ['x@example.com', 'y@example.com'] }));
    const claim = await store.claim(id, { now: T0, leaseUntil: FUTURE, receiveCount: 1 });
    if (!claim.claimed) throw new Error('expected claim');
    await store.markSent(id, claim.token, { provider: 'ses', providerMessageId: `${id}-whole`, recipients: {}, sentAt: T0 });
    await store.syncRecipientIndex(id, ['x@example.com', 'y@example.com'], 'sent', { 'y@example.com': `${id}-y` });
    expect((await store.getByProviderMessageId(`${id}-whole`))?.id).toBe(id);
    expect((await store.getByProviderMessageId(`${id}-y`))?.id).toBe(id);
    expect(await store.getByProviderMessageId('no-such-id')).toBeUndefined();
    expect(await item(id, 'recipient#y@example.com')).toMatchObject({ status: 'sent', providerMessageId: `${id}-y` });
  });

  it('lists by recipient newest first, in pages, and before a time', async () => {
    // Prepare: five messages to the same recipient at increasing times, one to someone else
    const who = `${newId('who')}@example.com`;
    const times = [
      '2030-02-01T00:00:01.000Z',
      '2030-02-01T00:00:02.000Z',
      '2030-02-01T00:00:03.000Z',
      '2030-02-01T00:00:04.000Z',
      '2030-02-01T00:00:05.000Z',
    ];
    const ids = times.map((_t, i) => `${who}-m${i}`.replace('@', '_'));
    for (const [i, t] of times.entries()) await store.begin(beginInput(ids[i]!, { recipients: [who], now: t }));
    await store.begin(beginInput(newId('other'), { recipients: ['someone-else@example.com'] }));
    // Act
    const first = await store.listByRecipient(who.toUpperCase(), { limit: 2 });
    const second = await store.listByRecipient(who, { limit: 2, cursor: first.cursor });
    const older = await store.listByRecipient(who, { before: times[2] });
    // Assess
    expect(first.items.map((m) => m.id)).toEqual([ids[4], ids[3]]);
    expect(second.items.map((m) => m.id)).toEqual([ids[2], ids[1]]);
    expect(older.items.map((m) => m.id)).toEqual([ids[1], ids[0]]);
    expect(older.cursor).toBeUndefined();
  });

  it('syncRecipientIndex never creates an index item begin did not write', async () => {
    const id = newId('sync');
    await store.begin(beginInput(id, { recipients: ['o@example.com', 'p@example.com'] }));
    await store.syncRecipientIndex(id, ['o@example.com', 'p@example.com', 'ghost@example.com'], 'cancelled' satisfies MessageStatus);
    expect((await item(id, 'recipient#p@example.com'))?.status).toBe('cancelled');
    expect(await item(id, 'recipient#o@example.com')).toBeUndefined();
    expect(await item(id, 'recipient#ghost@example.com')).toBeUndefined();
  });

  it('a per-recipient provider id of the recipient the message item carries resolves through a pointer item, not a second byRecipient entry', async () => {
    // Prepare
    const id = newId('bulk-first');
    await store.begin(beginInput(id, { recipients: ['f@example.com', 'g@example.com'] }));
    // Act
    await store.syncRecipientIndex(id, ['f@example.com', 'g@example.com'], 'sent', {
      'f@example.com': `${id}-f`,
      'g@example.com': `${id}-g`,
    });
    // Assess
    expect((await store.getByProviderMessageId(`${id}-f`))?.id).toBe(id);
    expect((await store.getByProviderMessageId(`${id}-g`))?.id).toBe(id);
    expect(await item(id, 'recipient#f@example.com')).toEqual({
      id,
      sk: 'recipient#f@example.com',
      status: 'sent',
      providerMessageId: `${id}-f`,
    });
    expect((await store.listByRecipient('f@example.com')).items.map((m) => m.id)).toEqual([id]);
  });

  it('syncRecipientIndex still updates every index item of a message begun before the message item carried a recipient', async () => {
    // Prepare: the layout begin wrote before: a message item without `recipient`, an index item per recipient.
    const id = newId('old-layout');
    await env.clients.doc.send(
      new PutCommand({
        TableName: table,
        Item: {
          id,
          sk: 'message',
          status: 'sent',
          attempts: 1,
          throttles: 0,
          createdAt: T0,
          updatedAt: T0,
          recipients: {},
          channel: 'email',
        },
      }),
    );
    for (const r of ['h@example.com', 'i@example.com']) {
      await env.clients.doc.send(
        new PutCommand({
          TableName: table,
          Item: { id, sk: `recipient#${r}`, recipient: r, createdAt: T0, channel: 'email', status: 'pending' },
        }),
      );
    }
    // Act
    await store.syncRecipientIndex(id, ['h@example.com', 'i@example.com'], 'sent');
    // Assess
    expect([await indexStatus(id, 'h@example.com'), await indexStatus(id, 'i@example.com')]).toEqual(['sent', 'sent']);
    expect((await store.listByRecipient('h@example.com')).items.map((m) => m.id)).toEqual([id]);
  });
});

describe('MessageStore.cancel (operator)', () => {
  const NOW = '2030-01-01T00:05:00.000Z';
  const expected = {
    pending: 'cancelled',
    errored: 'cancelled',
    'processing-live': 'too_late',
    'processing-expired': 'too_late',
    sent: 'too_late',
    failed: 'too_late',
    cancelled: 'already_cancelled',
  } as const;

  for (const [state, outcome] of Object.entries(expected) as [keyof typeof expected, (typeof expected)[keyof typeof expected]][]) {
    it(`from ${state}: ${outcome}`, async () => {
      // Prepare
      const id = newId('cancel');
      await seed(id, state);
      const before = await item(id);
      // Act
      const result = await store.cancel(id, NOW);
      // Assess
      expect(result.outcome).toBe(outcome);
      if (outcome === 'cancelled') {
        expect(result.record).toMatchObject({
          status: 'cancelled',
          updatedAt: NOW,
          error: { code: 'cancelled', message: 'cancelled by operator', retryable: false },
        });
        expect(result.record.claimToken).toBeUndefined();
        expect(result.record.leaseExpiresAt).toBeUndefined();
      } else {
        expect(result.record.status).toBe(state.replace(/-.*/, ''));
        expect(await item(id)).toEqual(before);
      }
    });
  }

  it('moves the recipient index items to cancelled, and a later delivery can no longer claim it', async () => {
    // Prepare
    const id = newId('cancel-idx');
    await store.begin(beginInput(id, { recipients: ['a@example.com', 'b@example.com'] }));
    // Act
    const result = await store.cancel(id, NOW);
    const claim = await store.claim(id, { now: NOW, leaseUntil: FUTURE, receiveCount: 2 });
    // Assess
    expect(result.outcome).toBe('cancelled');
    expect(await indexStatus(id, 'a@example.com')).toBe('cancelled');
    expect(await indexStatus(id, 'b@example.com')).toBe('cancelled');
    expect(claim.claimed).toBe(false);
    expect(claim.record.status).toBe('cancelled');
  });

  it('puts a cancelled tombstone under an id no delivery has recorded; the first delivery fills it in and stays cancelled', async () => {
    // Prepare
    const id = newId('tomb');
    // Act
    const cancelled = await store.cancel(id, T0);
    const again = await store.cancel(id, NOW);
    const delivered = await store.begin(
      beginInput(id, { recipients: ['t@example.com'], tags: ['promo'], metadata: { k: 'v' }, now: NOW, bodySha256: 'first' }),
    );
    const reused = await store.begin(beginInput(id, { recipients: ['other@example.com'], now: NOW, bodySha256: 'second' }));
    const listed = await store.listByRecipient('T@example.com');
    // Assess
    expect(cancelled.outcome).toBe('tombstoned');
    expect(cancelled.record).toMatchObject({ id, status: 'cancelled', attempts: 0, createdAt: T0, error: { code: 'cancelled' } });
    expect(cancelled.record.bodySha256).toBeUndefined();
    expect(again.outcome).toBe('already_cancelled');
    expect(delivered.created).toBe(false);
    expect(delivered.record).toMatchObject({
      id,
      status: 'cancelled',
      channel: 'email',
      provider: 'ses',
      bodySha256: 'first',
      tags: ['promo'],
      metadata: { k: 'v' },
      createdAt: T0,
    });
    expect(reused).toMatchObject({ created: false, record: { bodySha256: 'first', status: 'cancelled' } });
    expect(await item(id, 'recipient#t@example.com')).toEqual({
      id,
      sk: 'recipient#t@example.com',
      recipient: 't@example.com',
      createdAt: T0,
      channel: 'email',
      status: 'cancelled',
    });
    expect(await item(id, 'recipient#other@example.com')).toBeUndefined();
    expect(listed.items.map((m) => [m.id, m.status])).toEqual([[id, 'cancelled']]);
  });

  it('cancels the record when the first delivery lands between its refused write and the read after it', async () => {
    // Prepare: the interleaving the race below may or may not hit, made certain: the
    // conditional write finds no item, then begin records the message, then the store reads.
    const id = newId('between');
    class Interleaved extends MessageStore {
      private raced = false;
      override async markCancelled(...args: Parameters<MessageStore['markCancelled']>): Promise<void> {
        if (this.raced) return super.markCancelled(...args);
        this.raced = true;
        await this.begin(beginInput(id, { recipients: ['between@example.com'] }));
        throw new TransitionConflictError(id, 'markCancelled', await this.get(id));
      }
    }
    // Act
    const result = await new Interleaved(env.clients.doc, table).cancel(id, NOW);
    // Assess
    expect(result.outcome).toBe('cancelled');
    expect(await store.get(id)).toMatchObject({ status: 'cancelled', bodySha256: 'h1' });
    expect(await indexStatus(id, 'between@example.com')).toBe('cancelled');
  });

  it('racing the first delivery, always ends cancelled with the delivery recorded, whichever write wins', async () => {
    // Prepare
    const ids = Array.from({ length: 8 }, () => newId('race-cancel'));
    // Act
    const results = await Promise.all(
      ids.map((id) =>
        Promise.all([store.cancel(id, NOW), store.begin(beginInput(id, { recipients: [`${id}@example.com`], bodySha256: 'body' }))]),
      ),
    );
    // Assess
    for (const [i, [cancel, begin]] of results.entries()) {
      const id = ids[i]!;
      expect(['cancelled', 'tombstoned']).toContain(cancel.outcome);
      expect(begin.created).toBe(cancel.outcome === 'cancelled');
      expect(await store.get(id)).toMatchObject({
        status: 'cancelled',
        bodySha256: 'body',
        channel: 'email',
        error: { code: 'cancelled' },
      });
      expect(await indexStatus(id, `${id}@example.com`)).toBe('cancelled');
    }
  });
});
