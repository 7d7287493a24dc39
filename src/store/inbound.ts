/**
 * Inbound records in the inbound table (key design: src/store/tables.ts).
 *
 * One mail = one record item (sk "inbound", with `day` for the byDay index) + one small index
 * item per envelope recipient (sk "recipient#<address lower-cased>") for byRecipient. They are
 * written in ONE transaction whose condition is that the record does not exist yet: a replayed
 * or second notification for the same SES message id changes nothing, and a list never shows
 * a recipient entry whose record is missing. (Past 99 recipients, more than a transaction
 * holds, index items go first and the conditional record put last; a crash in between is
 * repaired by the retry, which rewrites the same index items.)
 *
 * Indexes are eventually consistent: a mail shows in `listByRecipient` / `listRecent` shortly
 * after `get(id)` finds it.
 */

import { recipientKey } from '../contract/recipient-key.js';
import type { InboundMailbox } from '../contract/records.js';
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from './document.js';
import { isConditionalCheckFailed, StoreThrottledError, toStoreError } from './errors.js';
import { expiry } from './retention.js';
import { EXPIRES_AT, INBOUND_ITEM_SK, RECIPIENT_SK_PREFIX } from './tables.js';
import type { StoredInboundRecord } from './types.js';

/** Above this estimated size the bodies move to S3 (DynamoDB's hard item limit is 400 KB). */
export const MAX_RECORD_ITEM_BYTES = 300 * 1024;
const MAX_TRANSACT_ITEMS = 100;
/** Subjects and From names/addresses in recipient index items (what lists show) are cut to this many characters. */
export const INDEX_SUBJECT_LENGTH = 256;

export interface InboundSummary {
  readonly id: string;
  readonly receivedAt: string;
  readonly from?: InboundMailbox;
  readonly subject?: string;
  /** Present in listRecent results. */
  readonly envelopeRecipients?: readonly string[];
  /** Present in listByRecipient results: the (lower-cased) recipient queried. */
  readonly recipient?: string;
}

/** Upper bound of the item's DynamoDB size: JSON spends at least as many bytes as DynamoDB does. */
export function estimateItemBytes(item: unknown): number {
  return Buffer.byteLength(JSON.stringify(item));
}

export function dayOf(iso: string): string {
  return new Date(iso).toISOString().slice(0, 10);
}

export class InboundStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    readonly table: string,
    /** Days records are kept from receivedAt (DynamoDB TTL `expiresAt`); undefined keeps them forever. */
    private readonly retentionDays?: number,
  ) {}

  /** Stores a new record with its index items; `duplicate` when the SES message id is already stored. */
  async put(record: StoredInboundRecord): Promise<'created' | 'duplicate'> {
    const expires = expiry(record.receivedAt, this.retentionDays);
    const item = { ...record, sk: INBOUND_ITEM_SK, day: dayOf(record.receivedAt), ...expires };
    const indexItems = [...new Set(record.envelopeRecipients.map(recipientKey))].map((recipient) => ({
      id: record.id,
      sk: `${RECIPIENT_SK_PREFIX}${recipient}`,
      recipient,
      receivedAt: record.receivedAt,
      ...expires,
      // Index items only feed lists, and a transaction holds at most 4 MB: a hostile megabyte
      // Subject or From name, repeated per recipient, must not make the write fail forever.
      ...(record.subject !== undefined ? { subject: record.subject.slice(0, INDEX_SUBJECT_LENGTH) } : {}),
      ...(record.from !== undefined ? { from: indexMailbox(record.from) } : {}),
    }));
    // Protects against a duplicate record (replay, SES notifying twice, concurrent retries).
    const recordPut = { TableName: this.table, Item: item, ConditionExpression: 'attribute_not_exists(id)' };
    try {
      if (indexItems.length + 1 <= MAX_TRANSACT_ITEMS) {
        await this.doc.send(
          new TransactWriteCommand({
            TransactItems: [{ Put: recordPut }, ...indexItems.map((Item) => ({ Put: { TableName: this.table, Item } }))],
          }),
        );
      } else {
        await this.writeIndexItems(indexItems);
        await this.doc.send(new PutCommand(recordPut));
      }
      return 'created';
    } catch (error) {
      if (isConditionalCheckFailed(error)) return 'duplicate';
      throw toStoreError('dynamodb put (inbound record)', { table: this.table, id: record.id }, error);
    }
  }

  async get(id: string): Promise<StoredInboundRecord | undefined> {
    try {
      const { Item } = await this.doc.send(
        new GetCommand({ TableName: this.table, Key: { id, sk: INBOUND_ITEM_SK }, ConsistentRead: true }),
      );
      if (!Item) return undefined;
      const { sk: _sk, day: _day, [EXPIRES_AT]: _expiresAt, ...record } = Item;
      return record as StoredInboundRecord;
    } catch (error) {
      throw toStoreError('dynamodb get (inbound record)', { table: this.table, id }, error);
    }
  }

  /** Records that the "inbound received" event went out; false if it was already marked. */
  async markPublished(id: string, at: string): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { id, sk: INBOUND_ITEM_SK },
          UpdateExpression: 'SET publishedAt = :at',
          // Protects against creating a stray item for an unknown id, and keeps the first publish time.
          ConditionExpression: 'attribute_exists(id) AND attribute_not_exists(publishedAt)',
          ExpressionAttributeValues: { ':at': at },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw toStoreError('dynamodb update (publishedAt)', { table: this.table, id }, error);
    }
  }

  /** Mail whose envelope named this recipient (case-insensitive), newest first. */
  async listByRecipient(recipient: string, opts: { limit?: number } = {}): Promise<InboundSummary[]> {
    const r = recipientKey(recipient);
    const items = await this.query('byRecipient', 'recipient', r, opts.limit ?? 50);
    return items.map((i) => summary(i, { recipient: r }));
  }

  /** The newest mail across all recipients, walking the byDay index back from `now` (default: the last 30 days). */
  async listRecent(opts: { limit?: number; days?: number; now?: Date } = {}): Promise<InboundSummary[]> {
    const limit = opts.limit ?? 50;
    const now = (opts.now ?? new Date()).getTime();
    const out: InboundSummary[] = [];
    for (let d = 0; d < (opts.days ?? 30) && out.length < limit; d++) {
      const day = new Date(now - d * 86_400_000).toISOString().slice(0, 10);
      for (const item of await this.query('byDay', 'day', day, limit - out.length)) out.push(summary(item, {}));
    }
    return out;
  }

  private async query(index: string, key: string, value: string, limit: number): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    try {
      do {
        const page = await this.doc.send(
          new QueryCommand({
            TableName: this.table,
            IndexName: index,
            KeyConditionExpression: '#k = :v',
            ExpressionAttributeNames: { '#k': key },
            ExpressionAttributeValues: { ':v': value },
            ScanIndexForward: false,
            Limit: limit - out.length,
            ExclusiveStartKey: start,
          }),
        );
        out.push(...(page.Items ?? []));
        start = page.LastEvaluatedKey;
      } while (start && out.length < limit);
    } catch (error) {
      throw toStoreError(`dynamodb query (${index})`, { table: this.table, [key]: value }, error);
    }
    return out;
  }

  private async writeIndexItems(items: readonly Record<string, unknown>[]): Promise<void> {
    for (let i = 0; i < items.length; i += 25) {
      let pending = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; pending.length; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** attempt)));
        if (attempt > 8) {
          throw new StoreThrottledError(
            'dynamodb batch write (inbound index items)',
            { table: this.table, unprocessed: String(pending.length) },
            {
              cause: undefined,
            },
          );
        }
        const out = await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.table]: pending } }));
        pending = (out.UnprocessedItems?.[this.table] ?? []) as typeof pending;
      }
    }
  }
}

function indexMailbox({ name, address }: InboundMailbox): InboundMailbox {
  return { ...(name !== undefined ? { name: name.slice(0, INDEX_SUBJECT_LENGTH) } : {}), address: address.slice(0, INDEX_SUBJECT_LENGTH) };
}

function summary(item: Record<string, unknown>, extra: { recipient?: string }): InboundSummary {
  return {
    id: item['id'] as string,
    receivedAt: item['receivedAt'] as string,
    ...(item['from'] !== undefined ? { from: item['from'] as InboundMailbox } : {}),
    ...(item['subject'] !== undefined ? { subject: item['subject'] as string } : {}),
    ...(item['envelopeRecipients'] !== undefined ? { envelopeRecipients: item['envelopeRecipients'] as string[] } : {}),
    ...extra,
  };
}
