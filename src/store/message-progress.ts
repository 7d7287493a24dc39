/**
 * Forward-only per-recipient status on the message item (docs/contract.md §2: "a late `sent`
 * never overwrites `delivered`"). SNS does not keep order and SES sends Delivery, Open,
 * Bounce… as separate notifications that may arrive in any order, twice, or concurrently on
 * two Lambda instances, so every update is a conditional write that only succeeds when the
 * new event is further along than what the recipient holds.
 *
 * "Further along" is the rank below, then the event's own timestamp among equal ranks:
 *
 *   queued 10 < sent 20 < deferred 30 < delivered 40 < autoresponded 45 < opened 50 < clicked 60
 *     < failed = rejected 70 < bounced 80 < subscribed = unsubscribed 85 < complained 90
 *
 * - deferred → delivered moves forward; delivered → deferred (a stale delay) does not.
 * - opened and clicked follow delivered; a late `sent` or `delivered` after them is ignored.
 * - bounced after delivered moves forward: SES documents that a receiving server may accept
 *   a message (Delivery) and bounce it afterwards.
 * - complained is the strongest signal a recipient gives and is never overwritten.
 * - subscribed and unsubscribed share a rank: the later preference change wins, whichever
 *   arrives first.
 * - `unknown` events never touch the status.
 *
 * Recipients the send pipeline wrote hold a send status and no `rank`; tracking may replace
 * `queued`, `sent` and `unknown` (the provider accepted it, or we do not know), never the
 * send-time outcomes `invalid`, `rejected`, `failed` or `suppressed` (no provider event can
 * follow those). Only `status`, `lastEventType`, `lastEventAt` and `rank` are set: the rest
 * of the recipient entry (e.g. a per-recipient providerMessageId) is left alone.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { EventType, NormalizedEvent } from '../contract/records.js';
import { type DynamoDBDocumentClient, UpdateCommand } from './document.js';
import { isConditionalCheckFailed, type StoreError, toStoreError } from './errors.js';
import { MESSAGE_ITEM_SK } from './tables.js';

export const EVENT_RANK: Readonly<Record<EventType, number | undefined>> = {
  queued: 10,
  sent: 20,
  deferred: 30,
  delivered: 40,
  autoresponded: 45,
  opened: 50,
  clicked: 60,
  failed: 70,
  rejected: 70,
  bounced: 80,
  subscribed: 85,
  unsubscribed: 85,
  complained: 90,
  unknown: undefined,
};

/** Send statuses tracking may move past (see the header comment). */
const REPLACEABLE_SEND_STATUSES = ['queued', 'sent', 'unknown'] as const;

export type ProgressOutcome =
  /** The recipient's status moved to this event. */
  | 'advanced'
  /** The recipient already holds this or a later state: nothing written. */
  | 'stale'
  /** No message item with this id: not a message we sent. */
  | 'not_found'
  /** The event cannot move a status (no recipient, or `unknown`). */
  | 'skipped';

type Progressable = Pick<NormalizedEvent, 'eventType' | 'recipient' | 'timestamp'>;

export class MessageProgress {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async advance(messageId: string, event: Progressable): Promise<ProgressOutcome> {
    const rank = EVENT_RANK[event.eventType];
    if (rank === undefined || !event.recipient) return 'skipped';
    const state = { status: event.eventType, lastEventType: event.eventType, lastEventAt: event.timestamp, rank };
    // Three shapes of item, three writes; a concurrent writer can change the shape between our
    // attempts (e.g. create the recipient entry), so go round again, a bounded number of times.
    for (let attempt = 0; attempt < 4; attempt++) {
      const current = await this.updateExisting(messageId, event.recipient, state);
      if (current === 'advanced') return 'advanced';
      if (current === undefined) return 'not_found';
      if (current.recipientExists) return 'stale';
      const created = current.recipientsExist
        ? await this.createRecipient(messageId, event.recipient, state)
        : await this.createRecipients(messageId, event.recipient, state);
      if (created) return 'advanced';
    }
    return 'stale';
  }

  /** Moves an existing recipient entry forward. Returns the item's shape when it did not. */
  private async updateExisting(
    messageId: string,
    recipient: string,
    state: { status: EventType; lastEventType: EventType; lastEventAt: string; rank: number },
  ): Promise<'advanced' | { recipientsExist: boolean; recipientExists: boolean } | undefined> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { id: messageId, sk: MESSAGE_ITEM_SK },
          UpdateExpression: 'SET #r.#a.#st = :st, #r.#a.#lt = :st, #r.#a.#la = :la, #r.#a.#rank = :rank',
          // Status regression guard: only a further-along event (higher rank, or the same rank
          // and a later timestamp) replaces what the recipient holds, whatever the arrival order.
          ConditionExpression:
            'attribute_exists(#r.#a) AND (' +
            '(attribute_not_exists(#r.#a.#rank) AND #r.#a.#st IN (:q, :s, :u))' +
            ' OR #r.#a.#rank < :rank' +
            ' OR (#r.#a.#rank = :rank AND #r.#a.#la < :la))',
          ExpressionAttributeNames: names(recipient),
          ExpressionAttributeValues: {
            ':st': state.status,
            ':la': state.lastEventAt,
            ':rank': state.rank,
            ':q': REPLACEABLE_SEND_STATUSES[0],
            ':s': REPLACEABLE_SEND_STATUSES[1],
            ':u': REPLACEABLE_SEND_STATUSES[2],
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return 'advanced';
    } catch (err) {
      if (!isConditionalCheckFailed(err)) throw storageError(err, messageId);
      const item = (err as { Item?: Record<string, AttributeValue> }).Item;
      if (!item) return undefined;
      const recipients = item['recipients']?.M;
      return { recipientsExist: recipients !== undefined, recipientExists: recipients?.[recipient] !== undefined };
    }
  }

  private async createRecipient(messageId: string, recipient: string, state: object): Promise<boolean> {
    return this.conditionalSet(messageId, {
      UpdateExpression: 'SET #r.#a = :state',
      // Creates the entry only if nobody did in the meantime (else we would overwrite it blindly).
      ConditionExpression: 'attribute_exists(id) AND attribute_exists(#r) AND attribute_not_exists(#r.#a)',
      ExpressionAttributeNames: { '#r': 'recipients', '#a': recipient },
      ExpressionAttributeValues: { ':state': state },
    });
  }

  private async createRecipients(messageId: string, recipient: string, state: object): Promise<boolean> {
    return this.conditionalSet(messageId, {
      UpdateExpression: 'SET #r = :map',
      // Creates the map only on a message item that has none yet (never on a missing item).
      ConditionExpression: 'attribute_exists(id) AND attribute_not_exists(#r)',
      ExpressionAttributeNames: { '#r': 'recipients' },
      ExpressionAttributeValues: { ':map': { [recipient]: state } },
    });
  }

  private async conditionalSet(
    messageId: string,
    expr: {
      UpdateExpression: string;
      ConditionExpression: string;
      ExpressionAttributeNames: Record<string, string>;
      ExpressionAttributeValues: Record<string, unknown>;
    },
  ): Promise<boolean> {
    try {
      await this.doc.send(new UpdateCommand({ TableName: this.table, Key: { id: messageId, sk: MESSAGE_ITEM_SK }, ...expr }));
      return true;
    } catch (err) {
      if (isConditionalCheckFailed(err)) return false;
      throw storageError(err, messageId);
    }
  }
}

function names(recipient: string): Record<string, string> {
  return { '#r': 'recipients', '#a': recipient, '#st': 'status', '#lt': 'lastEventType', '#la': 'lastEventAt', '#rank': 'rank' };
}

function storageError(err: unknown, messageId: string): StoreError {
  return toStoreError('UpdateItem message progress', { messageId }, err);
}
