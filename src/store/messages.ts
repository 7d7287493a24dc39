/**
 * The messages table (src/store/tables.ts): one message item (sk = "message") per message id
 * plus one small index item per further recipient (sk = "recipient#<key>") that the
 * byRecipient index serves newest first (the message item carries the first recipient's
 * index key itself; messages begun before it did have an index item for every recipient). Every status change is a conditional write; the condition on
 * each says what it protects against. The state machine (docs/contract.md §2):
 *
 *   (absent) ─begin→ pending ─claim→ processing ─markSent→ sent
 *                     │   ↑            ├─markErrored→ errored ─claim→ processing …
 *                     │   └────────────┤  (lease expired: claim again)
 *                     └─markFailed / markCancelled (unclaimed) → failed | cancelled
 *   failed ─reopenRedriven (operator redrove the exact DLQ copy)→ pending
 *   pending | errored ─cancel (operator)→ cancelled;  (absent) ─cancel→ cancelled tombstone,
 *   which the first delivery's begin fills in and leaves cancelled (./message-cancel.ts)
 *
 * Per-recipient state lives in the `recipients` map of the message item. The tracking
 * pipeline advances `recipients.<key>` forward-only and can get there before markSent (SES
 * events are fast), so markSent only fills entries that are absent (`if_not_exists`).
 */

import { randomUUID } from 'node:crypto';
import type { MessageStatus } from '../contract/records.js';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from './document.js';
import { isConditionalCheckFailed, isTransactionConflict } from './errors.js';
import { adoptTombstone, type CancelResult, cancelMessage, isCancelTombstone } from './message-cancel.js';
import { findIdByProviderMessageId, type ListByRecipientOptions, listByRecipient } from './message-queries.js';
import {
  MESSAGE_ATTRS as A,
  type Actor,
  type BeginInput,
  type ClaimInput,
  type ClaimResult,
  type ErroredInput,
  type FinalInput,
  fromItem,
  type InvalidInput,
  type MessageStorePort,
  messageKey,
  newMessageItem,
  type RecipientPage,
  type SentInput,
  type StoredMessage,
  TransitionConflictError,
} from './message-record.js';
import { expiry } from './retention.js';
import { EXPIRES_AT, RECIPIENT_SK_PREFIX } from './tables.js';
import { UpdateBuilder } from './update-builder.js';

export { CANCELLED_BY_OPERATOR, type CancelOutcome, type CancelResult } from './message-cancel.js';
export { InvalidCursorError, type ListByRecipientOptions } from './message-queries.js';
export { MESSAGE_ATTRS, type StoredMessage, TransitionConflictError } from './message-record.js';

const BEGIN_ATTEMPTS = 4;

const recipientItemKey = (id: string, recipient: string) => ({ [A.id]: id, [A.sk]: `${RECIPIENT_SK_PREFIX}${recipient}` });

/** Drops undefined fields, so the store works with any DocumentClient marshalling options. */
function defined<T extends Record<string, unknown>>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;
}

export class MessageStore implements MessageStorePort {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly newToken: () => string = randomUUID,
    /** Days items are kept (DynamoDB TTL `expiresAt`); undefined keeps them forever. */
    private readonly retentionDays?: number,
  ) {}

  private get table() {
    return { doc: this.doc, tableName: this.tableName, retentionDays: this.retentionDays };
  }

  async get(id: string): Promise<StoredMessage | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: messageKey(id), ConsistentRead: true }));
    return out.Item ? fromItem(out.Item) : undefined;
  }

  async begin(input: BeginInput): Promise<{ created: boolean; record: StoredMessage }> {
    // Two deliveries of one message can begin at the same instant; DynamoDB then cancels one
    // transaction with TransactionConflict (not a condition failure). Trying again settles it.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.beginOnce(input);
      } catch (error) {
        const conflict = isTransactionConflict(error);
        if (!conflict || attempt >= BEGIN_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 80 * attempt));
      }
    }
  }

  private async beginOnce(input: BeginInput): Promise<{ created: boolean; record: StoredMessage }> {
    const recipients = [...new Set(input.recipients)];
    // Kept from its creation, or from its sendAt when that is later: never expires unsent.
    const keptFrom = input.sendAt && Date.parse(input.sendAt) > Date.parse(input.now) ? input.sendAt : input.now;
    const item = defined({
      ...newMessageItem(input.id, 'pending', input.now),
      ...expiry(keptFrom, this.retentionDays),
      [A.channel]: input.channel,
      [A.provider]: input.provider,
      [A.bodySha256]: input.bodySha256,
      [A.idDerived]: input.idDerived || undefined,
      [A.tags]: input.tags?.length ? [...input.tags] : undefined,
      [A.metadata]: input.metadata,
      [A.sendAt]: input.sendAt,
    });
    // The message item itself is the byRecipient entry of the first recipient (it carries
    // `recipient`; `createdAt` is the index's sort key): a message to one recipient is one
    // conditional PutItem (1 write unit and its index entry) rather than a two-item
    // transaction (transactions bill every item twice). Further recipients get index items,
    // written in one transaction with the message item, so a message item never exists
    // without its index entries either way.
    const [first, ...others] = recipients;
    const messagePut = {
      TableName: this.tableName,
      Item: first === undefined ? item : { ...item, [A.recipient]: first },
      // The id is the idempotency key: a second message with the same id (producer
      // retry, SQS duplicate delivery) must find the first record, never replace it
      // (replacing would reset a sent message to pending and send it again). The one
      // record an id may replace is an invalid-message record: nothing was sent under
      // it, and a corrected message should be able to reuse the producer's id.
      ConditionExpression: 'attribute_not_exists(#id) OR #error.#code = :invalid',
      ExpressionAttributeNames: { '#id': A.id, '#error': A.error, '#code': 'code' },
      ExpressionAttributeValues: { ':invalid': 'invalid_message' },
    };
    try {
      if (others.length === 0) {
        await this.doc.send(new PutCommand(messagePut));
      } else {
        await this.doc.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: messagePut },
              ...others.map((r) => ({
                Put: {
                  TableName: this.tableName,
                  Item: {
                    ...recipientItemKey(input.id, r),
                    [A.recipient]: r,
                    [A.createdAt]: input.now,
                    [A.channel]: input.channel,
                    [A.status]: 'pending',
                    ...expiry(keptFrom, this.retentionDays),
                  },
                },
              })),
            ],
          }),
        );
      }
      return { created: true, record: fromItem(item) };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      const record = await this.get(input.id);
      if (!record) throw new TransitionConflictError(input.id, 'begin', undefined, { cause: error });
      // Cancelled before it arrived: record what arrived, and stay cancelled.
      if (isCancelTombstone(record)) return { created: false, record: await adoptTombstone(this, this.table, input, recipients, record) };
      return { created: false, record };
    }
  }

  async claim(id: string, input: ClaimInput): Promise<ClaimResult> {
    const token = this.newToken();
    const u = new UpdateBuilder()
      .set(A.status, 'processing')
      .set(A.claimToken, token)
      .set(A.leaseExpiresAt, input.leaseUntil)
      .set(A.receiveCount, input.receiveCount)
      .set(A.updatedAt, input.now)
      .add(A.attempts, 1)
      // Claimable: pending or errored (nobody is working on it), or processing whose lease has
      // expired: the lease ends after the claiming invocation's deadline, so that invocation has
      // died mid-send (timeout, crash, out of memory) and can no longer record anything. Never
      // sent, failed or cancelled: that is what keeps a redelivered message from sending twice,
      // and never a live claim: that keeps two concurrent deliveries from both sending.
      .condition(
        `attribute_exists(${u_('id')}) AND (${u_('status')} IN (:pending, :errored) OR (${u_('status')} = :processing AND ${u_('leaseExpiresAt')} < :now))`,
        { ':pending': 'pending', ':errored': 'errored', ':processing': 'processing', ':now': input.now },
      );
    try {
      const out = await this.doc.send(
        new UpdateCommand({ ...u.build(), TableName: this.tableName, Key: messageKey(id), ReturnValues: 'ALL_NEW' }),
      );
      return { claimed: true, token, record: fromItem(out.Attributes ?? {}) };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      const record = await this.get(id);
      if (!record) throw new TransitionConflictError(id, 'claim', undefined, { cause: error });
      return { claimed: false, record };
    }
  }

  async markSent(id: string, token: string, input: SentInput): Promise<void> {
    const u = new UpdateBuilder()
      .set(A.status, 'sent')
      .set(A.provider, input.provider)
      .set(A.sentAt, input.sentAt)
      .set(A.updatedAt, input.sentAt)
      .setIfDefined(A.providerMessageId, input.providerMessageId)
      .setIfDefined(A.smsSegments, input.smsSegments)
      .setIfDefined(A.smsEncoding, input.smsEncoding)
      .setIfDefined(A.ignoredFeatures, input.ignoredFeatures?.length ? [...input.ignoredFeatures] : undefined)
      .remove(A.claimToken, A.leaseExpiresAt, A.error, A.nextAttemptAt);
    // Fill recipients.<key> only where absent: tracking may already have advanced the entry
    // (a delivery event can land before this write), and per-recipient state never moves back.
    for (const [key, state] of Object.entries(input.recipients)) u.setNestedIfAbsent(A.recipients, key, defined({ ...state }));
    claimHolderCondition(u, token);
    let old: Record<string, unknown> | undefined;
    try {
      const out = await this.doc.send(
        new UpdateCommand({ ...u.build(), TableName: this.tableName, Key: messageKey(id), ReturnValues: 'UPDATED_OLD' }),
      );
      old = out.Attributes;
    } catch (error) {
      throw await this.conflict(id, 'markSent', error);
    }
    // Entries tracking wrote first kept their state; add the per-recipient provider id to them
    // (bulk sends have one per recipient and it is how their events join back).
    const preexisting = (old?.[A.recipients] ?? {}) as Record<string, unknown>;
    const late = Object.entries(input.recipients).filter(([key, s]) => key in preexisting && s.providerMessageId);
    if (late.length) {
      const v = new UpdateBuilder();
      for (const [key, s] of late) v.setNested(A.recipients, key, 'providerMessageId', s.providerMessageId!);
      await this.doc.send(new UpdateCommand({ ...v.build(), TableName: this.tableName, Key: messageKey(id) }));
    }
  }

  async markErrored(id: string, token: string, input: ErroredInput): Promise<void> {
    const u = new UpdateBuilder()
      .set(A.status, 'errored')
      .set(A.error, defined({ ...input.error }))
      .set(A.updatedAt, input.now)
      .setIfDefined(A.nextAttemptAt, input.nextAttemptAt)
      .remove(A.claimToken, A.leaseExpiresAt);
    if (input.throttled) u.add(A.throttles, 1);
    for (const [key, state] of Object.entries(input.recipients ?? {})) u.setNestedIfAbsent(A.recipients, key, defined({ ...state }));
    claimHolderCondition(u, token);
    await this.update(id, 'markErrored', u);
  }

  markFailed(id: string, actor: Actor, input: FinalInput): Promise<void> {
    return this.finish(id, 'failed', actor, input);
  }

  markCancelled(id: string, actor: Actor, input: FinalInput): Promise<void> {
    return this.finish(id, 'cancelled', actor, input);
  }

  async markDeadLettered(id: string, now: string): Promise<void> {
    const u = new UpdateBuilder()
      .set(A.deadLetteredAt, now)
      .set(A.updatedAt, now)
      // Only a failed message belongs in the DLQ: refuses to stamp a message that was reopened
      // or sent in the meantime, which would make its next redrive look like a DLQ copy.
      .condition(`${u_('status')} = :failed`, { ':failed': 'failed' });
    await this.update(id, 'markDeadLettered', u);
  }

  async recordInvalid(input: InvalidInput): Promise<{ created: boolean; record: StoredMessage }> {
    const item = defined({
      ...newMessageItem(input.id, 'failed', input.now, this.retentionDays),
      [A.channel]: input.channel,
      [A.error]: defined({ ...input.error }),
      [A.rawBody]: input.rawBody,
      [A.bodySha256]: input.bodySha256,
      [A.idDerived]: input.idDerived || undefined,
    });
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          // Never overwrite an existing record: the producer's id may belong to a valid message
          // that was (or is being) sent, and a redelivered invalid body must not reset the
          // record's dead-letter bookkeeping. The caller decides what an existing record means.
          ConditionExpression: 'attribute_not_exists(#id)',
          ExpressionAttributeNames: { '#id': A.id },
        }),
      );
      return { created: true, record: fromItem(item) };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      const record = await this.get(input.id);
      if (!record) throw new TransitionConflictError(input.id, 'recordInvalid', undefined, { cause: error });
      return { created: false, record };
    }
  }

  async reopenRedriven(id: string, deadLetteredAt: string, now: string): Promise<StoredMessage | undefined> {
    const u = new UpdateBuilder()
      .set(A.status, 'pending')
      .set(A.attempts, 0)
      .set(A.throttles, 0)
      .set(A.updatedAt, now)
      .add(A.redrives, 1)
      .remove(A.error, A.deadLetteredAt, A.nextAttemptAt)
      // Only the exact dead-lettering the operator redrove reopens the message: a stray
      // duplicate of an older DLQ copy, or a body that was never failed, cannot restart sending.
      .condition(`${u_('status')} = :failed AND ${u_('deadLetteredAt')} = :dl`, { ':failed': 'failed', ':dl': deadLetteredAt });
    try {
      const out = await this.doc.send(
        new UpdateCommand({ ...u.build(), TableName: this.tableName, Key: messageKey(id), ReturnValues: 'ALL_NEW' }),
      );
      return fromItem(out.Attributes ?? {});
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
  }

  async syncRecipientIndex(
    id: string,
    recipients: readonly string[],
    status: MessageStatus,
    providerMessageIds: Readonly<Record<string, string>> = {},
  ): Promise<void> {
    const unique = [...new Set(recipients)];
    if (unique.length === 0) return;
    // The recipient whose byRecipient entry is the message item itself (see begin) has no index
    // item: its status is the message item's own. A read unit to find it out costs a fifth of
    // the refused write it saves (AWS bills a failed condition). Messages begun before the
    // message item carried `recipient` have index items for every recipient.
    const onItem = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: messageKey(id),
        ConsistentRead: true,
        ProjectionExpression: '#r, #e',
        ExpressionAttributeNames: { '#r': A.recipient, '#e': EXPIRES_AT },
      }),
    );
    const carried = onItem.Item?.[A.recipient];
    await Promise.all(
      unique.map((r) => {
        if (r === carried) {
          const pmid = providerMessageIds[r];
          if (!pmid) return undefined;
          // A per-recipient provider id (bulk send) must still resolve through
          // byProviderMessageId: a pointer item, without `recipient` so it is no second
          // byRecipient entry, expiring with its message.
          const expiresAt = onItem.Item?.[EXPIRES_AT];
          const p = new UpdateBuilder().set(A.status, status).set(A.providerMessageId, pmid);
          if (expiresAt !== undefined) p.set(EXPIRES_AT, expiresAt);
          return this.doc.send(new UpdateCommand({ ...p.build(), TableName: this.tableName, Key: recipientItemKey(id, r) }));
        }
        const u = new UpdateBuilder()
          .set(A.status, status)
          .setIfDefined(A.providerMessageId, providerMessageIds[r])
          // UpdateItem creates missing items: never invent an index item begin did not write.
          .condition(`attribute_exists(${u_('id')})`, {});
        return this.doc
          .send(new UpdateCommand({ ...u.build(), TableName: this.tableName, Key: recipientItemKey(id, r) }))
          .catch((error: unknown) => {
            if (!isConditionalCheckFailed(error)) throw error;
          });
      }),
    );
  }

  /**
   * An operator cancels a message that has not been sent: `pending` or `errored` becomes
   * `cancelled` (error CANCELLED_BY_OPERATOR), and an id no delivery has recorded yet gets a
   * cancelled tombstone, so the copy on the queue is acknowledged without sending whenever it
   * arrives. `processing`, `sent` and `failed` are too late. See ./message-cancel.ts.
   */
  cancel(id: string, now: string): Promise<CancelResult> {
    return cancelMessage(this, this.table, id, now);
  }

  /** The message whose provider id (message-level, or per recipient for bulk sends) is `providerMessageId`. */
  async getByProviderMessageId(providerMessageId: string): Promise<StoredMessage | undefined> {
    const id = await findIdByProviderMessageId(this.doc, this.tableName, providerMessageId);
    return id === undefined ? undefined : this.get(id);
  }

  /** Messages sent to `recipient`, newest first; `before` (ISO) keeps only older ones, `cursor` continues a page. */
  listByRecipient(recipient: string, opts: ListByRecipientOptions = {}): Promise<RecipientPage> {
    return listByRecipient(this.doc, this.tableName, recipient, opts);
  }

  private async finish(id: string, status: 'failed' | 'cancelled', actor: Actor, input: FinalInput): Promise<void> {
    const u = new UpdateBuilder()
      .set(A.status, status)
      .set(A.error, defined({ ...input.error }))
      .set(A.updatedAt, input.now)
      .remove(A.claimToken, A.leaseExpiresAt, A.nextAttemptAt);
    for (const [key, state] of Object.entries(input.recipients ?? {})) u.setNestedIfAbsent(A.recipients, key, state);
    if ('token' in actor) claimHolderCondition(u, actor.token);
    // Unclaimed: whoever finds a message pending or errored may finish it (every recipient
    // suppressed, unknown provider), but never one a live worker holds or one already final.
    else u.condition(`${u_('status')} IN (:pending, :errored)`, { ':pending': 'pending', ':errored': 'errored' });
    await this.update(id, status === 'failed' ? 'markFailed' : 'markCancelled', u);
  }

  private async update(id: string, transition: string, u: UpdateBuilder): Promise<void> {
    try {
      await this.doc.send(new UpdateCommand({ ...u.build(), TableName: this.tableName, Key: messageKey(id) }));
    } catch (error) {
      throw await this.conflict(id, transition, error);
    }
  }

  private async conflict(id: string, transition: string, error: unknown): Promise<unknown> {
    if (!isConditionalCheckFailed(error)) return error;
    return new TransitionConflictError(id, transition, await this.get(id), { cause: error });
  }
}

/** The placeholder UpdateBuilder gives an attribute name (`#status` for `status`). */
function u_(attr: keyof typeof A): string {
  return `#${A[attr]}`;
}

// Only the holder of the current claim records the outcome: protects against a worker whose
// claim was taken over (it outlived its lease) overwriting the new holder's result, and against
// any regression of a message that is already sent, failed or cancelled.
function claimHolderCondition(u: UpdateBuilder, token: string): void {
  u.condition(`${u_('status')} = :processing AND ${u_('claimToken')} = :token`, { ':processing': 'processing', ':token': token });
}
