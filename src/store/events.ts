/**
 * The events table (key design in ./tables.ts): one item per normalized event, written once.
 *
 * Item = the NormalizedEvent fields (docs/contract.md §3) plus
 *   messageKey  our message id, or "<provider>:<providerMessageId>" for mail we did not send
 *               (absent when the event names neither: it is then in byType/byRecipient only)
 *   sortKey     "<timestamp>#<eventId>": every index returns events in time order
 *   raw         the provider payload as JSON text (DynamoDB maps nest at most 32 levels and
 *               numbers carry 38 digits; provider payloads promise neither), compressed into
 *               a Binary attribute by ./raw-codec.ts (a write unit covers 1 KB: an SES
 *               event's 1.3 KB of JSON becomes ~0.33 KB, so the item fits one unit); or, when the item would
 *               still pass MAX_ITEM_BYTES, `rawS3 = {bucket, key}` and the payload in S3.
 *               Items written before compression hold `raw` as a JSON string; both read back
 *               the same.
 * The indexes project keys only (a write to a KEYS_ONLY index is ~100 bytes: one unit, instead
 * of the whole item again per index): a query reads the keys from the index, then the items
 * from the table with BatchGetItem. Events are written once and read rarely, and a read unit
 * costs a fifth of a write unit.
 * Reads give back NormalizedEvents with `raw` parsed again (or `{s3: {bucket, key}}`).
 */
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { recipientKey } from '../contract/recipient-key.js';
import { EVENT_TYPES, type EventType, type NormalizedEvent } from '../contract/records.js';
import { toIsoUtc } from '../contract/timestamp.js';
import { batchGetAll } from './batch-get.js';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
} from './document.js';
import { InvalidEventQueryError, isConditionalCheckFailed, toStoreError } from './errors.js';
import { packRaw, unpackRaw } from './raw-codec.js';
import { expiry } from './retention.js';
import { EVENT_PAYLOAD_PREFIX } from './tables.js';

/** DynamoDB caps items at 400 KB; we keep every event item well under it. */
export const MAX_ITEM_BYTES = 100 * 1024;
/** When no payload bucket is configured, this much of an oversized raw payload is kept inline. */
export const INLINE_RAW_HEAD_CHARS = 32 * 1024;
const DEFAULT_LIMIT = 1000;

export interface PayloadBucket {
  readonly s3: S3Client;
  readonly bucket: string;
}

export interface EventQueryOptions {
  /** Inclusive lower bound on `timestamp` (any ISO-8601 date or date-time). */
  readonly since?: string;
  /** Inclusive upper bound on `timestamp`. */
  readonly until?: string;
  /** At most this many events (default 1000), oldest first. */
  readonly limit?: number;
}

export type PutOutcome = 'stored' | 'duplicate';

interface EventItem extends Omit<NormalizedEvent, 'raw'> {
  readonly messageKey?: string;
  readonly sortKey: string;
  /** Compressed JSON (./raw-codec.ts); a JSON string in items written before compression. */
  readonly raw?: Uint8Array | string;
  readonly rawS3?: { readonly bucket: string; readonly key: string };
  readonly expiresAt?: number;
}

export function messageKeyOf(event: Pick<NormalizedEvent, 'messageId' | 'provider' | 'providerMessageId'>): string | undefined {
  if (event.messageId) return event.messageId;
  return event.providerMessageId ? `${event.provider}:${event.providerMessageId}` : undefined;
}

export class EventStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly payload?: PayloadBucket,
    /** Days events are kept from their timestamp (DynamoDB TTL `expiresAt`); undefined keeps them forever. */
    private readonly retentionDays?: number,
  ) {}

  /**
   * Writes the event once. The condition makes SNS redelivery and `mailroom replay` of an
   * event we already hold a no-op ('duplicate') instead of a second copy: eventIds are
   * deterministic per provider event and recipient.
   */
  async put(event: NormalizedEvent): Promise<PutOutcome> {
    const item = await this.toItem(event);
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: item,
          // SNS redelivery / replay never duplicate: the first write of an eventId wins.
          ConditionExpression: 'attribute_not_exists(eventId)',
        }),
      );
      return 'stored';
    } catch (err) {
      if (isConditionalCheckFailed(err)) return 'duplicate';
      throw toStoreError('PutItem event', { table: this.table, eventId: event.eventId }, err);
    }
  }

  /** Whether the event is already stored (strongly consistent, so a just-finished put counts). */
  async has(eventId: string): Promise<boolean> {
    try {
      const out = await this.doc.send(
        new GetCommand({ TableName: this.table, Key: { eventId }, ConsistentRead: true, ProjectionExpression: 'eventId' }),
      );
      return out.Item !== undefined;
    } catch (err) {
      throw toStoreError('GetItem event', { table: this.table, eventId }, err);
    }
  }

  async get(eventId: string): Promise<NormalizedEvent | undefined> {
    try {
      const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: { eventId } }));
      return out.Item ? fromItem(out.Item as EventItem) : undefined;
    } catch (err) {
      throw toStoreError('GetItem event', { table: this.table, eventId }, err);
    }
  }

  /**
   * Events of one message in time order. Each id may be our message id or a provider message
   * id: events for mail we did not send (or that arrived before the join could be made) are
   * stored under "<provider>:<providerMessageId>", so every id is also tried with each
   * provider prefix. Pass our id and the record's providerMessageId to get both.
   */
  async byMessage(
    ids: string | readonly string[],
    opts: EventQueryOptions & { providers?: readonly string[] } = {},
  ): Promise<NormalizedEvent[]> {
    const providers = opts.providers ?? ['ses', 'sns'];
    const keys = new Set<string>();
    for (const id of typeof ids === 'string' ? [ids] : ids) {
      if (!id) continue;
      keys.add(id);
      for (const p of providers) keys.add(`${p}:${id}`);
    }
    const pages = await Promise.all(
      [...keys].map((k) => this.query('byMessage', 'messageKey', k, { ...opts, limit: opts.limit ?? 10_000 })),
    );
    const seen = new Set<string>();
    const merged = pages.flat().filter((e) => !seen.has(e.eventId) && seen.add(e.eventId));
    merged.sort((a, b) => (sortKeyOf(a) < sortKeyOf(b) ? -1 : 1));
    return opts.limit ? merged.slice(0, opts.limit) : merged;
  }

  /**
   * Events about one recipient (email address or E.164 number) in time order. The address is
   * keyed as the normalizers key it (lower-cased, IDN domain in ASCII), so any spelling finds it.
   */
  byRecipient(recipient: string, opts: EventQueryOptions = {}): Promise<NormalizedEvent[]> {
    const key = recipientKey(recipient);
    return this.query('byRecipient', 'recipient', key, opts);
  }

  /** Events of one type within a time range, in time order. */
  async byType(eventType: EventType, opts: EventQueryOptions = {}): Promise<NormalizedEvent[]> {
    if (!(EVENT_TYPES as readonly string[]).includes(eventType)) {
      throw new InvalidEventQueryError('eventType', `"${eventType}" is not one of ${EVENT_TYPES.join(', ')}`);
    }
    return this.query('byType', 'eventType', eventType, opts);
  }

  private async query(index: string, keyName: string, keyValue: string, opts: EventQueryOptions): Promise<NormalizedEvent[]> {
    const limit = opts.limit ?? DEFAULT_LIMIT;
    const since = bound('since', opts.since);
    const until = bound('until', opts.until);
    const values: Record<string, string> = { ':k': keyValue };
    let range = '';
    // sortKey = "<ISO timestamp>#<eventId>", so ISO bounds compare as plain strings; "~" sorts
    // after "#" and every hex digit, making `until` inclusive of its own millisecond.
    if (since && until) {
      range = ' AND #sk BETWEEN :since AND :until';
      Object.assign(values, { ':since': since, ':until': `${until}~` });
    } else if (since) {
      range = ' AND #sk >= :since';
      values[':since'] = since;
    } else if (until) {
      range = ' AND #sk <= :until';
      values[':until'] = `${until}~`;
    }
    const input: QueryCommandInput = {
      TableName: this.table,
      IndexName: index,
      KeyConditionExpression: `#k = :k${range}`,
      ExpressionAttributeNames: { '#k': keyName, ...(range ? { '#sk': 'sortKey' } : {}) },
      ExpressionAttributeValues: values,
      ScanIndexForward: true,
    };
    const ids: string[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      let out: QueryCommandOutput;
      try {
        out = await this.doc.send(new QueryCommand({ ...input, Limit: Math.min(limit - ids.length, 1000), ExclusiveStartKey: startKey }));
      } catch (err) {
        throw toStoreError(`Query ${index}`, { table: this.table, key: keyValue }, err);
      }
      for (const item of out.Items ?? []) ids.push(String(item['eventId']));
      startKey = out.LastEvaluatedKey;
    } while (startKey && ids.length < limit);
    return this.load(ids);
  }

  /**
   * The items behind index keys, in the index's order. Events are never updated, so the item
   * is the one the index saw; an eventually consistent read that has not caught up with a
   * just-written item is asked again with a consistent read, and a key whose item is gone
   * (expired by the retention TTL between the query and the read) is left out, as the query
   * would have left it out a moment later.
   */
  private async load(ids: readonly string[]): Promise<NormalizedEvent[]> {
    if (ids.length === 0) return [];
    const get = async (keys: readonly string[], consistentRead: boolean) => {
      try {
        return await batchGetAll(
          this.doc,
          this.table,
          keys.map((eventId) => ({ eventId })),
          { consistentRead },
        );
      } catch (err) {
        throw toStoreError('BatchGetItem events', { table: this.table, events: String(keys.length) }, err);
      }
    };
    const found = new Map((await get(ids, false)).map((item) => [String(item['eventId']), item]));
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length) for (const item of await get(missing, true)) found.set(String(item['eventId']), item);
    return ids.flatMap((id) => {
      const item = found.get(id);
      return item ? [fromItem(item as unknown as EventItem)] : [];
    });
  }

  private async toItem(event: NormalizedEvent): Promise<EventItem> {
    const { raw, ...rest } = event;
    const messageKey = messageKeyOf(event);
    const base = {
      ...rest,
      ...(messageKey ? { messageKey } : {}),
      sortKey: sortKeyOf(event),
      ...expiry(event.timestamp, this.retentionDays),
    };
    if (raw === undefined) return base;
    const rawJson = JSON.stringify(raw) ?? 'null';
    const compressed = packRaw(rawJson);
    // The item's size as DynamoDB counts it, near enough: the other attributes as JSON plus the
    // compressed payload's bytes.
    if (Buffer.byteLength(JSON.stringify(base)) + compressed.byteLength <= MAX_ITEM_BYTES) return { ...base, raw: compressed };
    if (!this.payload) {
      // No payload bucket configured: keep the head of the payload rather than fail the event.
      return {
        ...base,
        raw: packRaw(JSON.stringify({ truncated: true, bytes: Buffer.byteLength(rawJson), head: rawJson.slice(0, INLINE_RAW_HEAD_CHARS) })),
      };
    }
    const key = `${EVENT_PAYLOAD_PREFIX}${event.eventId}.json`;
    try {
      // Written before the item, so a stored event never points at a missing object.
      await this.payload.s3.send(
        new PutObjectCommand({ Bucket: this.payload.bucket, Key: key, Body: rawJson, ContentType: 'application/json' }),
      );
    } catch (err) {
      throw toStoreError('PutObject raw event', { bucket: this.payload.bucket, key }, err);
    }
    return { ...base, rawS3: { bucket: this.payload.bucket, key } };
  }
}

function sortKeyOf(event: Pick<NormalizedEvent, 'timestamp' | 'eventId'>): string {
  return `${event.timestamp}#${event.eventId}`;
}

function fromItem(item: EventItem): NormalizedEvent {
  const { messageKey: _m, sortKey: _s, expiresAt: _e, raw, rawS3, ...event } = item;
  if (rawS3) return { ...event, raw: { s3: rawS3 } };
  if (raw === undefined) return event;
  // Binary: compressed JSON; a string: an item written before compression.
  const text = typeof raw === 'string' ? raw : unpackRaw(raw);
  try {
    return { ...event, raw: JSON.parse(text) as unknown };
  } catch {
    return { ...event, raw: text };
  }
}

function bound(field: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const iso = toIsoUtc(value) ?? (/^\d{4}-\d{2}-\d{2}$/.test(value) ? toIsoUtc(`${value}T00:00:00Z`) : undefined);
  if (!iso) throw new InvalidEventQueryError(field, `"${value}" is not an ISO-8601 date or date-time`);
  return iso;
}
