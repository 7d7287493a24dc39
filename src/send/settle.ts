/**
 * The ways a received SQS message leaves the send pipeline other than "sent": put back to
 * wait (visibility timeout, or a fresh copy when the wait must not use up a receive), written
 * to the DLQ with the reason, and invalid bodies recorded and dead-lettered.
 */

import { createHash } from 'node:crypto';
import type { SQSRecord } from 'aws-lambda';
import { WORK_QUEUE_RETENTION_SECONDS } from '../contract/config-fields.js';
import type { MessageError } from '../contract/records.js';
import { deriveId, type InvalidMessageError, idOfInvalidBody } from '../contract/validator.js';
import { describeError, MailroomError } from '../errors.js';
import { MAX_DELAY_SECONDS, MAX_VISIBILITY_SECONDS } from './backoff.js';
import { carriedAttributes, numberAttr, QUEUE_ATTRS, readAttr, stringAttr, truncateErrorMessage } from './queue.js';
import type { Clock, DeferReason, DeferVia, RecordOutcome, SendDeps } from './types.js';

/** Re-enqueue a waiting message this long before it could reach the queue's retention period. */
const RETENTION_MARGIN_SECONDS = 60 * 60;

/** One received SQS message, with what every step needs to know about it. */
export interface Delivery {
  readonly record: SQSRecord;
  readonly receiveCount: number;
  readonly bodySha256: string;
  /** Epoch ms when the invocation will be stopped. */
  readonly deadline: number;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export const iso = (ms: number) => new Date(ms).toISOString();

export class InvariantError extends MailroomError {}

export class Settler {
  constructor(
    private readonly deps: SendDeps,
    private readonly clock: Clock,
  ) {}

  /**
   * Puts the message back to come again in `delaySeconds`. Normally by ChangeMessageVisibility
   * (the handler then reports it as a batch item failure). But every receive counts towards
   * the queue's redrive maxReceiveCount, and a message also expires after the retention
   * period, so when the next receive would be the one SQS moves to the DLQ, or the wait would
   * outlive retention, a fresh copy goes on the queue instead (receive count 0, age 0) and
   * this one is acknowledged. The record in DynamoDB carries the real attempt count, so the
   * copy loses nothing. Waits (schedule, throttling) therefore never exhaust retries.
   */
  async putBack(d: Delivery, delaySeconds: number): Promise<DeferVia> {
    const { config, queue, metrics, logger } = this.deps;
    const now = this.clock.now();
    const visibility = Math.max(1, Math.min(delaySeconds, MAX_VISIBILITY_SECONDS));
    const sentAt = Number(d.record.attributes?.SentTimestamp) || now;
    const retention = config.queueRetentionSeconds ?? WORK_QUEUE_RETENTION_SECONDS;
    const nextReceiveRedrives = d.receiveCount >= config.maxReceiveCount;
    const outlivesRetention = (now - sentAt) / 1000 + visibility + RETENTION_MARGIN_SECONDS >= retention;
    if (nextReceiveRedrives || outlivesRetention) {
      const requeues = Number(readAttr(d.record.messageAttributes, QUEUE_ATTRS.requeues) ?? 0) + 1;
      const write = await queue.requeue({
        body: d.record.body,
        attributes: { ...carriedAttributes(d.record.messageAttributes, 1), [QUEUE_ATTRS.requeues]: numberAttr(requeues) },
        delaySeconds: Math.min(Math.max(1, delaySeconds), MAX_DELAY_SECONDS),
      });
      metrics.count('requeued');
      if (write?.bodyRef) metrics.count('byReference');
      return 'requeue';
    }
    try {
      await queue.changeVisibility(d.record.receiptHandle, visibility);
    } catch (error) {
      // The message still comes back, after the queue's own visibility timeout instead.
      logger.warn('could not change message visibility', { sqsMessageId: d.record.messageId, error: describeError(error) });
    }
    return 'visibility';
  }

  async defer(d: Delivery, id: string, reason: DeferReason, delaySeconds: number): Promise<RecordOutcome> {
    const via = await this.putBack(d, delaySeconds);
    this.deps.metrics.count('deferred');
    this.deps.logger.info('message deferred', { messageId: id, reason, delaySeconds, via, receiveCount: d.receiveCount });
    return { kind: 'deferred', id, reason, delaySeconds, via };
  }

  /**
   * Writes the full raw body to the DLQ with the reason as message attributes (a body too
   * large to go with them goes by reference, ./oversize.ts), then stamps the record. If the function stops in between, the record is `failed` without `deadLetteredAt`
   * and the redelivered message is dead-lettered then: nothing is dropped. `stamp: false` for
   * a body that is not the record's (a reused id): its DLQ copy must not pass for the record's
   * dead-lettering, or redriving it would reopen the message.
   */
  async deadLetter(d: Delivery, id: string, error: MessageError, attempts: number, { stamp = true } = {}): Promise<void> {
    const at = iso(this.clock.now());
    const ours = {
      [QUEUE_ATTRS.errorCode]: stringAttr(error.code),
      [QUEUE_ATTRS.errorMessage]: stringAttr(truncateErrorMessage(error.message || error.code)),
      [QUEUE_ATTRS.messageId]: stringAttr(id),
      [QUEUE_ATTRS.attempts]: numberAttr(attempts),
      [QUEUE_ATTRS.deadLetteredAt]: stringAttr(at),
      [QUEUE_ATTRS.sourceMessageId]: stringAttr(d.record.messageId),
    };
    const write = await this.deps.queue.deadLetter({
      body: d.record.body,
      attributes: { ...carriedAttributes(d.record.messageAttributes, Object.keys(ours).length), ...ours },
    });
    this.deps.metrics.count('deadLettered');
    if (write?.bodyRef) this.deps.metrics.count('byReference');
    if (stamp) await this.deps.messages.markDeadLettered(id, at);
    this.deps.logger.warn('message dead-lettered', {
      messageId: id,
      code: error.code,
      reason: error.message,
      attempts,
      ...(write?.bodyRef ? { bodyRef: write.bodyRef } : {}),
    });
  }

  /**
   * An invalid body: recorded `failed` with `invalid_message`, the field reasons and the
   * truncated body, under the producer's id when it gave a usable one (or under an id derived
   * from the body when that id already belongs to a different message), and written whole to
   * the DLQ. Every later delivery of the same body goes to the DLQ too: nothing is dropped.
   */
  async invalid(d: Delivery, error: InvalidMessageError): Promise<RecordOutcome> {
    const { config, messages, metrics, logger } = this.deps;
    const derived = deriveId(d.record.body);
    const reason: MessageError = { code: error.code, message: error.message, retryable: false, reasons: error.reasons };
    for (const id of [...new Set([idOfInvalidBody(d.record.body), derived])]) {
      const { created, record } = await messages.recordInvalid({
        id,
        idDerived: id === derived,
        channel: config.channel,
        error: reason,
        rawBody: error.truncatedBody,
        bodySha256: d.bodySha256,
        now: iso(this.clock.now()),
      });
      if (created) {
        metrics.count('invalid');
        logger.warn('invalid message recorded', { messageId: id, reasons: error.reasons });
        await this.deadLetter(d, id, reason, 0);
        return { kind: 'invalid', id };
      }
      if (record.bodySha256 !== d.bodySha256 || record.error?.code !== 'invalid_message') continue;
      // The same invalid body again (redelivery, producer retry, DLQ redrive): recorded
      // already, and it goes to the DLQ again rather than being acknowledged into nothing.
      await this.deadLetter(d, id, reason, 0);
      return { kind: 'invalid', id };
    }
    throw new InvariantError(`invalid body ${d.record.messageId}: neither its id nor ${derived} could hold its record`);
  }
}
