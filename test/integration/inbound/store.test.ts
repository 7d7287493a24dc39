import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INDEX_SUBJECT_LENGTH, InboundStore } from '../../../src/store/inbound.js';
import type { StoredInboundRecord } from '../../../src/store/types.js';
import { type LocalEnv, localEnv } from '../../support/local.js';
import { newMessageId } from './support.js';

function record(id: string, receivedAt: string, envelopeRecipients: string[], subject = `mail ${id}`): StoredInboundRecord {
  return {
    id,
    receivedAt,
    ingestedAt: receivedAt,
    envelopeRecipients,
    from: { address: 'a@sender.example' },
    to: [],
    cc: [],
    replyTo: [],
    subject,
    attachments: [],
    verdicts: { spam: 'PASS' },
    raw: { bucket: 'b', key: `raw/${id}` },
  };
}

describe('InboundStore on DynamoDB Local', () => {
  let env: LocalEnv;
  let store: InboundStore;
  beforeAll(async () => {
    env = await localEnv();
    store = new InboundStore(env.clients.doc, env.resources.tables.inbound);
  });
  afterAll(() => env.clients.destroy());

  const itemsOf = async (id: string) =>
    (
      await env.clients.doc.send(
        new QueryCommand({
          TableName: env.resources.tables.inbound,
          KeyConditionExpression: 'id = :id',
          ExpressionAttributeValues: { ':id': id },
        }),
      )
    ).Items ?? [];

  it('writes the record once: a second put is a duplicate and changes nothing', async () => {
    const id = newMessageId();
    expect(await store.put(record(id, '2023-10-10T10:00:00.000Z', ['a@x.example']))).toBe('created');
    expect(await store.put({ ...record(id, '2023-10-10T10:00:00.000Z', ['a@x.example']), subject: 'changed' })).toBe('duplicate');
    expect((await store.get(id))!.subject).toBe(`mail ${id}`);
    expect(await itemsOf(id)).toHaveLength(2);
  });

  it('get returns the contract record without key bookkeeping (sk, day)', async () => {
    const id = newMessageId();
    const r = record(id, '2023-10-10T10:00:00.000Z', ['a@x.example']);
    await store.put(r);
    expect(await store.get(id)).toEqual(r);
    expect(await store.get(newMessageId())).toBeUndefined();
  });

  it('indexes each envelope recipient once, case-insensitively, newest first', async () => {
    const r = `r-${newMessageId()}@example.com`;
    const older = newMessageId();
    const newer = newMessageId();
    await store.put(record(older, '2023-10-09T10:00:00.000Z', [r.toUpperCase(), r]));
    await store.put(record(newer, '2023-10-10T10:00:00.000Z', [r]));
    expect(await itemsOf(older)).toHaveLength(2);
    const listed = await store.listByRecipient(r.toUpperCase());
    expect(listed.map((s) => s.id)).toEqual([newer, older]);
    expect(listed[0]).toEqual({
      id: newer,
      receivedAt: '2023-10-10T10:00:00.000Z',
      recipient: r,
      subject: `mail ${newer}`,
      from: { address: 'a@sender.example' },
    });
    expect((await store.listByRecipient(r, { limit: 1 })).map((s) => s.id)).toEqual([newer]);
  });

  it('past 99 recipients (more than one transaction) still indexes every recipient, and stays idempotent', async () => {
    const id = newMessageId();
    const recipients = Array.from({ length: 120 }, (_, i) => `bulk${i}-${id}@example.com`);
    expect(await store.put(record(id, '2023-10-10T11:00:00.000Z', recipients))).toBe('created');
    expect(await store.put(record(id, '2023-10-10T11:00:00.000Z', recipients))).toBe('duplicate');
    expect(await itemsOf(id)).toHaveLength(121);
    expect((await store.listByRecipient(recipients[110]!)).map((s) => s.id)).toEqual([id]);
  });

  it('a hostile megabyte-scale From name cannot push the transaction past 4 MB: index items carry it cut', async () => {
    // Prepare: 30 recipients × a 150 KB display name would be 4.5 MB of index items.
    const id = newMessageId();
    const recipients = Array.from({ length: 30 }, (_, i) => `r${i}-${id}@example.com`);
    const from = { name: 'N'.repeat(150 * 1024), address: 'a@sender.example' };

    // Act
    const outcome = await store.put({ ...record(id, '2023-10-10T12:00:00.000Z', recipients), from });

    // Assess
    expect(outcome).toBe('created');
    expect((await store.get(id))!.from).toEqual(from);
    const [listed] = await store.listByRecipient(recipients[0]!);
    expect(listed!.from).toEqual({ name: 'N'.repeat(INDEX_SUBJECT_LENGTH), address: 'a@sender.example' });
  });

  it('listRecent walks the byDay index back from now, newest first, without a scan', async () => {
    // Prepare: a year no other test uses, so the days are ours alone.
    const now = new Date('2031-03-10T12:00:00.000Z');
    const ids = { today: newMessageId(), todayEarlier: newMessageId(), yesterday: newMessageId(), old: newMessageId() };
    await store.put(record(ids.todayEarlier, '2031-03-10T01:00:00.000Z', ['x@example.com']));
    await store.put(record(ids.today, '2031-03-10T09:00:00.000Z', ['x@example.com']));
    await store.put(record(ids.yesterday, '2031-03-09T23:59:59.000Z', ['y@example.com']));
    await store.put(record(ids.old, '2031-03-01T10:00:00.000Z', ['z@example.com']));
    // Act / Assess
    expect((await store.listRecent({ now, limit: 2 })).map((s) => s.id)).toEqual([ids.today, ids.todayEarlier]);
    const all = await store.listRecent({ now, limit: 10 });
    expect(all.map((s) => s.id)).toEqual([ids.today, ids.todayEarlier, ids.yesterday, ids.old]);
    expect(all[2]).toEqual({
      id: ids.yesterday,
      receivedAt: '2031-03-09T23:59:59.000Z',
      subject: `mail ${ids.yesterday}`,
      from: { address: 'a@sender.example' },
      envelopeRecipients: ['y@example.com'],
    });
    expect((await store.listRecent({ now, limit: 10, days: 2 })).map((s) => s.id)).toEqual([ids.today, ids.todayEarlier, ids.yesterday]);
  });

  it('markPublished sets publishedAt once and never creates a stray item', async () => {
    const id = newMessageId();
    await store.put(record(id, '2023-10-10T10:00:00.000Z', ['a@x.example']));
    expect(await store.markPublished(id, '2023-10-10T10:00:05.000Z')).toBe(true);
    expect(await store.markPublished(id, '2023-10-10T10:09:00.000Z')).toBe(false);
    expect((await store.get(id))!.publishedAt).toBe('2023-10-10T10:00:05.000Z');
    const unknown = newMessageId();
    expect(await store.markPublished(unknown, '2023-10-10T10:00:05.000Z')).toBe(false);
    expect(await itemsOf(unknown)).toEqual([]);
  });
});
