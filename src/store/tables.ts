/**
 * Key design of the four tables (docs/contract.md §5). One definition, used by the CDK constructs,
 * the local pipeline's table creation and the store code, so the three can never disagree.
 *
 * messages      id (PK) + sk (SK). The message item has sk = "message" and carries the first
 *               recipient's `recipient`; each further recipient gets a small index item
 *               sk = "recipient#<address>" carrying `recipient` and `createdAt`, which the
 *               byRecipient index serves newest first (items written before the message item
 *               carried `recipient` have an index item for every recipient).
 *               byProviderMessageId: providerMessageId → message item.
 * events        eventId (PK). `sortKey` = "<timestamp>#<eventId>" orders every index by time.
 *               byMessage: messageKey (our id, or "<provider>:<providerMessageId>" for mail we
 *               did not send) → events in time order; byRecipient; byType (eventType within a
 *               time range).
 * inbound       id (PK, the SES message id) + sk: "inbound" for the record, "recipient#<addr>"
 *               index items (address lower-cased) for byRecipient (newest first). The record
 *               item alone carries `day` ("YYYY-MM-DD" of receivedAt, UTC), so byDay serves
 *               "newest inbound mail" day by day without a scan (`inbound list` with no
 *               recipient). One partition per day takes every write of that day: fine up to
 *               ~1,000 mails/s, the per-partition write limit.
 * suppressions  address (PK, lower-cased).
 */
export interface IndexDef {
  readonly partitionKey: string;
  readonly sortKey?: string;
  /**
   * What the index holds besides the keys: 'keys' (KEYS_ONLY), or the listed attributes
   * (INCLUDE). Every write of an item copies the projected attributes to the index, billed by
   * their size, so an index projects only what its queries read; a query that needs the whole
   * item reads it from the table by key.
   */
  readonly projection: 'keys' | { readonly include: readonly string[] };
}

/** An index's projection as DynamoDB's API and CloudFormation spell it. */
export function projectionOf(index: IndexDef): { ProjectionType: 'KEYS_ONLY' } | { ProjectionType: 'INCLUDE'; NonKeyAttributes: string[] } {
  return index.projection === 'keys'
    ? { ProjectionType: 'KEYS_ONLY' }
    : { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.projection.include] };
}

export interface TableDef {
  readonly partitionKey: string;
  readonly sortKey?: string;
  readonly indexes: Readonly<Record<string, IndexDef>>;
  /** Attribute DynamoDB's TTL reads, if any. */
  readonly ttlAttribute?: string;
}

/**
 * DynamoDB TTL attribute (epoch seconds) of the messages, events and inbound tables, written
 * by the stores when a retention is configured (src/store/retention.ts). Suppressions never
 * expire.
 */
export const EXPIRES_AT = 'expiresAt';

export const MESSAGE_ITEM_SK = 'message';
export const INBOUND_ITEM_SK = 'inbound';
export const RECIPIENT_SK_PREFIX = 'recipient#';

/**
 * Where the event store (events.ts) offloads raw events too large for an item, in
 * the payload bucket; the tracking roles (lib/tracking-pipeline.ts) may touch nothing else there. test/infra checks the
 * store writes under it.
 */
export const EVENT_PAYLOAD_PREFIX = 'events/raw/';

export const TABLES = {
  messages: {
    partitionKey: 'id',
    sortKey: 'sk',
    indexes: {
      // Both resolve to message ids; the message item is then read by key.
      byProviderMessageId: { partitionKey: 'providerMessageId', projection: 'keys' },
      byRecipient: { partitionKey: 'recipient', sortKey: 'createdAt', projection: 'keys' },
    },
    ttlAttribute: EXPIRES_AT,
  },
  events: {
    partitionKey: 'eventId',
    indexes: {
      // Keys only: a query reads eventIds here and the items with BatchGetItem (src/store/events.ts).
      byMessage: { partitionKey: 'messageKey', sortKey: 'sortKey', projection: 'keys' },
      byRecipient: { partitionKey: 'recipient', sortKey: 'sortKey', projection: 'keys' },
      byType: { partitionKey: 'eventType', sortKey: 'sortKey', projection: 'keys' },
    },
    ttlAttribute: EXPIRES_AT,
  },
  inbound: {
    partitionKey: 'id',
    sortKey: 'sk',
    indexes: {
      byRecipient: { partitionKey: 'recipient', sortKey: 'receivedAt', projection: { include: ['subject', 'from'] } },
      byDay: { partitionKey: 'day', sortKey: 'receivedAt', projection: { include: ['subject', 'from', 'envelopeRecipients'] } },
    },
    ttlAttribute: EXPIRES_AT,
  },
  suppressions: {
    partitionKey: 'address',
    indexes: {},
  },
} as const satisfies Record<string, TableDef>;

export type TableName = keyof typeof TABLES;

/** Physical table names, passed to domain code by the handler wiring. */
export type TableNames = Readonly<Record<TableName, string>>;
