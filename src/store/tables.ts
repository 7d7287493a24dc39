/**
 * Key design of the four tables (CONTRACT.md §5). One definition, used by the CDK constructs,
 * the local pipeline's table creation and the store code, so the three can never disagree.
 *
 * messages      id (PK) + sk (SK). The message item has sk = "message"; each recipient also
 *               gets a small index item sk = "recipient#<address>" carrying `recipient` and
 *               `createdAt`, which the byRecipient index serves newest first.
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
  /** Attributes projected besides the keys; undefined = ALL. */
  readonly include?: readonly string[];
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

export const TABLES = {
  messages: {
    partitionKey: 'id',
    sortKey: 'sk',
    indexes: {
      byProviderMessageId: { partitionKey: 'providerMessageId' },
      byRecipient: { partitionKey: 'recipient', sortKey: 'createdAt', include: ['channel', 'status'] },
    },
    ttlAttribute: EXPIRES_AT,
  },
  events: {
    partitionKey: 'eventId',
    indexes: {
      byMessage: { partitionKey: 'messageKey', sortKey: 'sortKey' },
      byRecipient: { partitionKey: 'recipient', sortKey: 'sortKey' },
      byType: { partitionKey: 'eventType', sortKey: 'sortKey' },
    },
    ttlAttribute: EXPIRES_AT,
  },
  inbound: {
    partitionKey: 'id',
    sortKey: 'sk',
    indexes: {
      byRecipient: { partitionKey: 'recipient', sortKey: 'receivedAt', include: ['subject', 'from'] },
      byDay: { partitionKey: 'day', sortKey: 'receivedAt', include: ['subject', 'from', 'envelopeRecipients'] },
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
