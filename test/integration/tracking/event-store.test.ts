import { randomBytes } from 'node:crypto';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NormalizedEvent } from '../../../src/contract/records.js';
import { InvalidEventQueryError } from '../../../src/store/errors.js';
import { EventStore, INLINE_RAW_HEAD_CHARS, MAX_ITEM_BYTES } from '../../../src/store/events.js';
import { type LocalEnv, localEnv } from '../../support/local.js';
import { fixture } from '../../support/tracking-fixtures.js';

let env: LocalEnv;
let store: EventStore;
let seq = 0;

function event(overrides: Partial<NormalizedEvent> = {}): NormalizedEvent {
  seq += 1;
  return {
    eventId: `e${String(seq).padStart(31, '0')}`,
    eventType: 'delivered',
    provider: 'ses',
    channel: 'email',
    providerMessageId: 'pm-1',
    messageId: 'msg-1',
    recipient: 'a@example.com',
    timestamp: `2024-01-01T00:00:${String(seq % 60).padStart(2, '0')}.000Z`,
    receivedAt: '2024-01-01T00:01:00.000Z',
    raw: { eventType: 'Delivery', n: seq },
    ...overrides,
  };
}

beforeAll(async () => {
  env = await localEnv();
  store = new EventStore(env.clients.doc, env.resources.tables.events, { s3: env.clients.s3, bucket: env.resources.buckets.payload });
});
afterAll(() => env.clients.destroy());

describe('EventStore.put', () => {
  it('stores an event once; the same eventId again is a duplicate and changes nothing', async () => {
    // Prepare
    const first = event({ messageId: 'once' });
    // Act
    const a = await store.put(first);
    const b = await store.put({ ...first, receivedAt: '2099-01-01T00:00:00.000Z', description: 'replayed' });
    // Assess
    expect([a, b]).toEqual(['stored', 'duplicate']);
    expect(await store.get(first.eventId)).toEqual(first);
    expect(await store.has(first.eventId)).toBe(true);
    expect(await store.has('nope')).toBe(false);
  });

  it('writes messageKey and sortKey; mail we did not send is keyed by provider message id', async () => {
    const ours = event({ messageId: 'ours-1' });
    const foreign = event({ messageId: undefined, providerMessageId: 'ses-foreign-1' });
    await store.put(ours);
    await store.put(foreign);
    const item = async (id: string) =>
      (await env.clients.doc.send(new GetCommand({ TableName: env.resources.tables.events, Key: { eventId: id } }))).Item;
    expect(await item(ours.eventId)).toMatchObject({ messageKey: 'ours-1', sortKey: `${ours.timestamp}#${ours.eventId}` });
    expect(await item(foreign.eventId)).toMatchObject({ messageKey: 'ses:ses-foreign-1' });
  });

  it('keeps raw payloads DynamoDB could not hold as a map (deeper than 32 levels, numbers past 38 digits)', async () => {
    let deep: unknown = { leaf: 1e300 };
    for (let i = 0; i < 40; i++) deep = { d: deep };
    const e = event({ raw: deep });
    expect(await store.put(e)).toBe('stored');
    expect((await store.get(e.eventId))?.raw).toEqual(deep);
  });

  it('stores raw compressed (Binary) and gives the same payload back: an SES event item fits one write unit', async () => {
    // Prepare
    const raw = fixture('ses', 'event-delivery');
    const e = event({ raw });
    // Act
    expect(await store.put(e)).toBe('stored');
    // Assess
    const item = (await env.clients.doc.send(new GetCommand({ TableName: env.resources.tables.events, Key: { eventId: e.eventId } })))
      .Item!;
    expect(item['raw']).toBeInstanceOf(Uint8Array);
    const rawBytes = (item['raw'] as Uint8Array).byteLength;
    expect(rawBytes).toBeLessThan(Buffer.byteLength(JSON.stringify(raw)) / 2);
    expect(Buffer.byteLength(JSON.stringify({ ...item, raw: undefined })) + rawBytes).toBeLessThan(1024);
    expect(await store.get(e.eventId)).toEqual(e);
    expect((await store.byMessage(e.messageId!)).find((x) => x.eventId === e.eventId)?.raw).toEqual(raw);
  });

  it('reads items written before compression (raw as a JSON string), and a raw string that is not JSON as is', async () => {
    // Prepare: items as the store wrote them before raw was compressed.
    const old = event({ messageId: 'old-format-1', timestamp: '2023-05-01T00:00:01.000Z' });
    const notJson = event({ messageId: 'old-format-1', timestamp: '2023-05-01T00:00:02.000Z' });
    const { raw: _raw, ...fields } = old;
    for (const [e, raw] of [
      [old, JSON.stringify(old.raw)],
      [notJson, 'not json {'],
    ] as const) {
      await env.clients.doc.send(
        new PutCommand({
          TableName: env.resources.tables.events,
          Item: {
            ...fields,
            eventId: e.eventId,
            timestamp: e.timestamp,
            messageKey: 'old-format-1',
            sortKey: `${e.timestamp}#${e.eventId}`,
            raw,
          },
        }),
      );
    }
    // Act / Assess
    expect(await store.get(old.eventId)).toEqual(old);
    expect((await store.get(notJson.eventId))?.raw).toBe('not json {');
    expect((await store.byMessage('old-format-1')).map((e) => [e.eventId, e.raw])).toEqual([
      [old.eventId, old.raw],
      [notJson.eventId, 'not json {'],
    ]);
  });

  it('keeps a large payload that compresses under the item limit inline', async () => {
    // Prepare: 150 KB of JSON that compresses to a few hundred bytes.
    const raw = { eventType: 'Bounce', big: 'x'.repeat(150 * 1024) };
    const e = event({ raw });
    // Act
    expect(await store.put(e)).toBe('stored');
    // Assess
    const item = (await env.clients.doc.send(new GetCommand({ TableName: env.resources.tables.events, Key: { eventId: e.eventId } })))
      .Item!;
    expect(item['rawS3']).toBeUndefined();
    expect((await store.get(e.eventId))?.raw).toEqual(raw);
  });

  it('moves a raw payload that would make the item too large even compressed to S3 and stores a pointer', async () => {
    // Random base64 barely compresses: well past MAX_ITEM_BYTES once compressed.
    const raw = { eventType: 'Bounce', big: randomBytes(Math.ceil(MAX_ITEM_BYTES * 1.5)).toString('base64') };
    const e = event({ raw });
    expect(await store.put(e)).toBe('stored');
    const stored = await store.get(e.eventId);
    const key = `events/raw/${e.eventId}.json`;
    expect(stored?.raw).toEqual({ s3: { bucket: env.resources.buckets.payload, key } });
    const object = await env.clients.s3.send(new GetObjectCommand({ Bucket: env.resources.buckets.payload, Key: key }));
    expect(JSON.parse(await object.Body!.transformToString())).toEqual(raw);
  });

  it('without a payload bucket, keeps the head of an oversized payload rather than failing', async () => {
    const noBucket = new EventStore(env.clients.doc, env.resources.tables.events);
    const e = event({ raw: { big: randomBytes(200 * 1024).toString('base64') } });
    expect(await noBucket.put(e)).toBe('stored');
    const raw = (await noBucket.get(e.eventId))?.raw as { truncated: boolean; bytes: number; head: string };
    expect(raw.truncated).toBe(true);
    expect(raw.bytes).toBeGreaterThan(200 * 1024);
    expect(raw.head).toHaveLength(INLINE_RAW_HEAD_CHARS);
  });
});

describe('EventStore queries (no scans)', () => {
  const msg = 'query-msg';
  const pm = 'ses-query-pm';
  const t = (s: number) => `2024-03-01T10:00:${String(s).padStart(2, '0')}.000Z`;
  const events = [
    { eventType: 'delivered', recipient: 'q1@example.com', timestamp: t(3), messageId: msg },
    { eventType: 'sent', recipient: 'q1@example.com', timestamp: t(1), messageId: msg },
    { eventType: 'opened', recipient: 'q1@example.com', timestamp: t(9), messageId: msg },
    { eventType: 'bounced', recipient: 'q2@example.com', timestamp: t(5), messageId: msg },
    // Stored before the join could be made: keyed by the SES message id.
    { eventType: 'sent', recipient: 'q3@example.com', timestamp: t(2), messageId: undefined, providerMessageId: pm },
  ] as const;

  beforeAll(async () => {
    for (const e of events) await store.put(event({ providerMessageId: pm, ...e }));
  });

  it('serves every query from KEYS_ONLY indexes, reading whole events (raw included) from the table', async () => {
    // Assess: the tables are created from src/store/tables.ts, as deployed.
    const { Table } = await env.clients.dynamodb.send(new DescribeTableCommand({ TableName: env.resources.tables.events }));
    expect(Object.fromEntries((Table?.GlobalSecondaryIndexes ?? []).map((i) => [i.IndexName, i.Projection?.ProjectionType]))).toEqual({
      byMessage: 'KEYS_ONLY',
      byRecipient: 'KEYS_ONLY',
      byType: 'KEYS_ONLY',
    });
    const [byMessage, byRecipient, byType] = await Promise.all([
      store.byMessage(msg),
      store.byRecipient('q2@example.com'),
      store.byType('bounced', { since: t(5), until: t(5) }),
    ]);
    for (const got of [byMessage, byRecipient, byType]) {
      expect(got.length).toBeGreaterThan(0);
      for (const e of got) expect(e).toEqual(await store.get(e.eventId));
    }
    expect(byType[0]).toMatchObject({ eventType: 'bounced', recipient: 'q2@example.com', raw: { eventType: 'Delivery' } });
  });

  it('byMessage returns the events of a message in time order, including those keyed by its provider id', async () => {
    const got = await store.byMessage([msg, pm]);
    expect(got.map((e) => [e.eventType, e.timestamp])).toEqual([
      ['sent', t(1)],
      ['sent', t(2)],
      ['delivered', t(3)],
      ['bounced', t(5)],
      ['opened', t(9)],
    ]);
  });

  it('byMessage with the provider message id alone finds the events stored under it', async () => {
    expect((await store.byMessage(pm)).map((e) => e.recipient)).toEqual(['q3@example.com']);
  });

  it('byRecipient returns the recipient history in time order, case-insensitively, with since', async () => {
    expect((await store.byRecipient('Q1@Example.com')).map((e) => e.eventType)).toEqual(['sent', 'delivered', 'opened']);
    expect((await store.byRecipient('q1@example.com', { since: t(3) })).map((e) => e.eventType)).toEqual(['delivered', 'opened']);
  });

  it('byRecipient keys the query as the normalizers key recipients: an IDN domain in Unicode finds its ASCII form', async () => {
    // Prepare: normalizers store the domain as punycode (recipientKey).
    await store.put(event({ recipient: 'idn@xn--bcher-kva.example', timestamp: t(4), messageId: 'idn-1' }));
    // Act / Assess
    expect((await store.byRecipient(' IDN@Bücher.example ')).map((e) => e.recipient)).toEqual(['idn@xn--bcher-kva.example']);
  });

  it('byType serves a time range, both bounds inclusive, with a limit', async () => {
    const bounced = await store.byType('bounced', { since: t(5), until: t(5) });
    expect(bounced.map((e) => e.recipient)).toEqual(['q2@example.com']);
    const sent = await store.byType('sent', { since: '2024-03-01', until: t(2) });
    expect(sent.map((e) => e.timestamp)).toEqual([t(1), t(2)]);
    expect(await store.byType('sent', { since: t(2), limit: 1 })).toHaveLength(1);
    expect(await store.byType('opened', { until: t(8) })).toEqual([]);
  });

  it('refuses bounds that are not dates and types that do not exist', async () => {
    await expect(store.byType('sent', { since: 'last tuesday' })).rejects.toBeInstanceOf(InvalidEventQueryError);
    await expect(store.byType('teleported' as never)).rejects.toBeInstanceOf(InvalidEventQueryError);
  });
});
