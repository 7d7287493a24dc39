/**
 * An operator cancelling a message before it is sent (docs/contract.md §2: "cancelled before
 * send"). Two cases:
 *
 * - The send Lambda has recorded the message (`pending`, or `errored` between retries): the
 *   record moves to `cancelled` through the same unclaimed `markCancelled` transition the
 *   suppression check uses, and its recipient index items follow. The copy still on the queue
 *   (a scheduled message, a retry waiting out its backoff) later finds a final record and is
 *   acknowledged without sending (src/send/process.ts, TERMINAL_STATUSES).
 * - No record yet (the message is still on the queue, unseen): a cancelled tombstone is put
 *   under the id, so the delivery that comes later is acknowledged without sending too. The
 *   tombstone has no body hash; the first delivery fills in channel, provider, tags, metadata
 *   and the recipient index items from its body (`adoptTombstone`, called by `begin`).
 *
 * `processing` (a send is in flight), `sent` and `failed` are too late.
 */

import type { MessageError } from '../contract/records.js';
import { type DynamoDBDocumentClient, PutCommand, QueryCommand, TransactWriteCommand } from './document.js';
import { isConditionalCheckFailed } from './errors.js';
import {
  MESSAGE_ATTRS as A,
  type BeginInput,
  CLAIMABLE_STATUSES,
  fromItem,
  type MessageStorePort,
  messageKey,
  newMessageItem,
  type StoredMessage,
  TransitionConflictError,
} from './message-record.js';
import { expiry } from './retention.js';
import { RECIPIENT_SK_PREFIX } from './tables.js';
import { UpdateBuilder } from './update-builder.js';

export const CANCELLED_BY_OPERATOR: MessageError = { code: 'cancelled', message: 'cancelled by operator', retryable: false };

/**
 * What `cancel` did. `cancelled`: the record was pending or errored and is now cancelled;
 * `tombstoned`: there was no record, a cancelled one now holds the id; `already_cancelled`;
 * `too_late`: the record is processing, sent or failed (see `record.status`).
 */
export type CancelOutcome = 'cancelled' | 'tombstoned' | 'already_cancelled' | 'too_late';

export interface CancelResult {
  readonly outcome: CancelOutcome;
  readonly record: StoredMessage;
}

/** A tombstone: cancelled by an operator before any delivery recorded a body under the id. */
export function isCancelTombstone(record: StoredMessage): boolean {
  return record.status === 'cancelled' && record.bodySha256 === undefined && record.error?.code === CANCELLED_BY_OPERATOR.code;
}

type Store = Pick<MessageStorePort, 'get' | 'markCancelled' | 'syncRecipientIndex'>;

interface Table {
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Days items are kept (DynamoDB TTL); undefined keeps them forever. */
  readonly retentionDays?: number;
}

/** Rounds of "no record → (tombstone refused:) begin just wrote one → cancel that". */
const CANCEL_ROUNDS = 3;

export async function cancelMessage(store: Store, table: Table, id: string, now: string): Promise<CancelResult> {
  for (let round = 1; round <= CANCEL_ROUNDS; round++) {
    let current: StoredMessage | undefined;
    try {
      await store.markCancelled(id, { unclaimed: true }, { error: CANCELLED_BY_OPERATOR, now });
      await syncIndex(store, table, id);
      return { outcome: 'cancelled', record: (await store.get(id))! };
    } catch (error) {
      if (!(error instanceof TransitionConflictError)) throw error;
      current = error.current;
    }
    if (current?.status === 'cancelled') {
      // Idempotent: an earlier cancel may have stopped between the record and its index items.
      if (!isCancelTombstone(current)) await syncIndex(store, table, id);
      return { outcome: 'already_cancelled', record: current };
    }
    if (current && !CLAIMABLE_STATUSES.includes(current.status)) return { outcome: 'too_late', record: current };
    if (!current) {
      const tombstone = await putTombstone(table, id, now);
      if (tombstone) return { outcome: 'tombstoned', record: tombstone };
    }
    // A delivery recorded the message between our write and our read (or our tombstone): it
    // is pending now, so cancel that.
  }
  throw new TransitionConflictError(id, 'cancel', await store.get(id));
}

async function putTombstone({ doc, tableName, retentionDays }: Table, id: string, now: string): Promise<StoredMessage | undefined> {
  const item = {
    ...newMessageItem(id, 'cancelled', now, retentionDays),
    [A.error]: CANCELLED_BY_OPERATOR,
  };
  try {
    // Only where no delivery has recorded the message yet: a tombstone must never replace a
    // record (it would reset a sent message's history, or hide one being sent right now).
    await doc.send(
      new PutCommand({
        TableName: tableName,
        Item: item,
        ConditionExpression: 'attribute_not_exists(#id)',
        ExpressionAttributeNames: { '#id': A.id },
      }),
    );
    return fromItem(item);
  } catch (error) {
    if (isConditionalCheckFailed(error)) return undefined;
    throw error;
  }
}

/** The recipient keys begin indexed for `id` (its `recipient#…` items; a keyed query, not a scan). */
async function indexedRecipients({ doc, tableName }: Table, id: string): Promise<string[]> {
  const keys: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await doc.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: '#id = :id AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: { '#id': A.id, '#sk': A.sk },
        ExpressionAttributeValues: { ':id': id, ':prefix': RECIPIENT_SK_PREFIX },
        ProjectionExpression: '#sk',
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    for (const i of out.Items ?? []) keys.push(String(i[A.sk]).slice(RECIPIENT_SK_PREFIX.length));
    start = out.LastEvaluatedKey;
  } while (start);
  return keys;
}

async function syncIndex(store: Store, table: Table, id: string): Promise<void> {
  await store.syncRecipientIndex(id, await indexedRecipients(table, id), 'cancelled');
}

/**
 * The first delivery of a message cancelled before it arrived: fills the tombstone in from the
 * body (channel, provider, body hash, tags, metadata, sendAt) and writes the recipient index
 * items, already `cancelled`, so the message shows by recipient like any other. Nothing is
 * sent: the record stays cancelled. Returns the record as it now is.
 */
export async function adoptTombstone(
  store: Pick<Store, 'get'>,
  { doc, tableName, retentionDays }: Table,
  input: BeginInput,
  recipients: readonly string[],
  tombstone: StoredMessage,
): Promise<StoredMessage> {
  const u = new UpdateBuilder()
    .set(A.channel, input.channel)
    .set(A.provider, input.provider)
    .set(A.bodySha256, input.bodySha256)
    .setIfDefined(A.idDerived, input.idDerived || undefined)
    .setIfDefined(A.tags, input.tags?.length ? [...input.tags] : undefined)
    .setIfDefined(A.metadata, input.metadata)
    .setIfDefined(A.sendAt, input.sendAt)
    // Only a tombstone, and only once: the first body to arrive becomes the record's. A later
    // different body then meets a hash like any reused id, and never changes this record.
    .condition(`#${A.status} = :cancelled AND attribute_not_exists(#${A.bodySha256})`, { ':cancelled': 'cancelled' });
  try {
    await doc.send(
      new TransactWriteCommand({
        TransactItems: [
          { Update: { ...u.build(), TableName: tableName, Key: messageKey(input.id) } },
          ...recipients.map((r) => ({
            Put: {
              TableName: tableName,
              Item: {
                [A.id]: input.id,
                [A.sk]: `${RECIPIENT_SK_PREFIX}${r}`,
                [A.recipient]: r,
                [A.createdAt]: tombstone.createdAt,
                [A.channel]: input.channel,
                [A.status]: 'cancelled',
                ...expiry(tombstone.createdAt, retentionDays),
              },
            },
          })),
        ],
      }),
    );
  } catch (error) {
    // Another delivery adopted it first: what it wrote stands.
    if (!isConditionalCheckFailed(error)) throw error;
  }
  const record = await store.get(input.id);
  if (!record) throw new TransitionConflictError(input.id, 'adoptTombstone', undefined);
  return record;
}
