/**
 * The send pipeline for one SQS record, with every dependency injected:
 *
 *   validate → begin (record the id) → already final? acknowledge → send policy (refused:
 *   failed) → sendAt in the future? wait → suppression check (all suppressed: cancelled) →
 *   rate limit → claim → destination hold (held: errored, retried later) → send → record
 *
 * Claiming comes last, right before the provider call, so a claim is held only while a send
 * is in flight and waiting (schedule, rate limit) never holds one. Each step's state change is
 * a conditional write (src/store/messages.ts), which is what makes redelivery safe: the same
 * id never sends twice except in the one window the README spells out (the provider accepted
 * the message and the function died before recording it).
 */
import type { SQSRecord } from 'aws-lambda';
import type { EmailMessage, Message, SmsMessage } from '../contract/message.js';
import type { MessageError, RecipientState, SendStatus } from '../contract/records.js';
import { InvalidMessageError, type ValidatedMessage } from '../contract/validator.js';
import { describeError, UnknownProviderError } from '../errors.js';
import type { SendContext, SendResult } from '../providers/types.js';
import { type Actor, type StoredMessage, TERMINAL_STATUSES, TransitionConflictError } from '../store/message-record.js';
import type { SuppressionEntry } from '../store/suppressions.js';
import { backoffSeconds } from './backoff.js';
import { type ClassifiedFailure, classifySendFailure } from './errors.js';
import { DESTINATION_HELD, type Hold } from './policy/types.js';
import { QUEUE_ATTRS, readAttr } from './queue.js';
import { recipientKeysOf, withoutRecipients } from './recipients.js';
import { type Delivery, iso, Settler, sha256 } from './settle.js';
import type { Clock, RecordContext, RecordOutcome, SendConfig, SendDeps, SendProcessor } from './types.js';

interface Sender {
  readonly name: string;
  send(message: Message, ctx: SendContext): Promise<SendResult>;
}

type Resolved = { readonly outcome: RecordOutcome } | { readonly record: StoredMessage };

const DEFAULTS: { minSendWindowMs: number; defaultLeaseMs: number; leaseSkewMs: number } = {
  minSendWindowMs: 10_000,
  defaultLeaseMs: 900_000,
  leaseSkewMs: 5_000,
};

export function createSendProcessor(deps: SendDeps): SendProcessor {
  return new SendPipeline(deps);
}

class SendPipeline implements SendProcessor {
  private readonly cfg: SendConfig & typeof DEFAULTS;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly settle: Settler;

  constructor(private readonly deps: SendDeps) {
    this.cfg = { ...DEFAULTS, ...stripUndefined(deps.config) };
    this.clock = deps.clock ?? { now: Date.now };
    this.random = deps.random ?? Math.random;
    this.settle = new Settler(deps, this.clock);
  }

  async processRecord(received: SQSRecord, ctx: RecordContext = {}): Promise<RecordOutcome> {
    // A redriven DLQ entry or a re-enqueued copy may carry its body by reference: from here on
    // the pipeline sees the producer's body (same sha256, so a redrive still matches its record).
    const body = this.deps.queue.resolveBody ? await this.deps.queue.resolveBody(received) : received.body;
    const record = body === received.body ? received : { ...received, body };
    const d: Delivery = {
      record,
      receiveCount: Math.max(1, Number.parseInt(record.attributes?.ApproximateReceiveCount ?? '1', 10) || 1),
      bodySha256: sha256(record.body),
      deadline: ctx.deadline ?? this.clock.now() + this.cfg.defaultLeaseMs,
    };
    let validated: ValidatedMessage;
    try {
      validated = this.deps.validate(record.body);
    } catch (error) {
      if (error instanceof InvalidMessageError) return this.settle.invalid(d, error);
      throw error;
    }
    return this.processValid(d, validated);
  }

  /**
   * One delivery, step by step: begin (record the message, or resolve the one already
   * there), admit (policy, schedule, suppressions, provider), then attempt (rate slot, claim,
   * retry budget, send), each ending in a recorded outcome or handing on to the next.
   */
  private async processValid(d: Delivery, validated: ValidatedMessage): Promise<RecordOutcome> {
    const { id, idDerived, message } = validated;
    const recipients = recipientKeysOf(message);
    const providerName = message.provider ?? this.cfg.defaultProvider;
    const began = await this.deps.messages.begin({
      id,
      channel: message.channel,
      provider: providerName,
      recipients,
      now: this.nowIso(),
      bodySha256: d.bodySha256,
      idDerived,
      tags: message.tags,
      metadata: message.metadata,
      sendAt: message.sendAt,
    });
    if (!began.created) {
      const resolved = await this.resolveExisting(d, id, began.record);
      if ('outcome' in resolved) return resolved.outcome;
    }
    const admitted = await this.admit(d, { id, message, recipients, providerName, attempts: began.record.attempts });
    if ('outcome' in admitted) return admitted.outcome;
    return this.attempt(d, { id, recipients, ...admitted });
  }

  /** Policy, schedule, suppressions and provider: what can stop a message before it is claimed. */
  private async admit(d: Delivery, input: AdmitInput): Promise<{ outcome: RecordOutcome } | Admitted> {
    const { id, recipients, providerName, attempts } = input;
    let message = input.message;
    // What the operator does not allow is refused before anything else is spent on it.
    const admission = this.deps.policy?.admit(message) ?? { ok: true as const, message };
    if (!admission.ok) {
      this.deps.metrics.count('refused');
      this.deps.logger.warn('refused by the send policy', { messageId: id, code: admission.error.code });
      return { outcome: await this.fail(d, { id, actor: { unclaimed: true }, reason: admission.error, attempts, recipients }) };
    }
    message = admission.message;

    if (message.sendAt) {
      const dueInMs = Date.parse(message.sendAt) - this.clock.now();
      if (dueInMs > 0) return { outcome: await this.settle.defer(d, id, 'scheduled', Math.ceil(dueInMs / 1000)) };
    }

    const suppressed = await this.deps.suppressions.filterSuppressed(recipients);
    if (suppressed.size >= recipients.length) return { outcome: await this.cancelSuppressed(d, id, recipients, suppressed) };

    let sender: Sender;
    try {
      sender = this.sender(message, providerName);
    } catch (error) {
      const reason = { code: 'unknown_provider', message: describeError(error), retryable: false };
      return { outcome: await this.fail(d, { id, actor: { unclaimed: true }, reason, attempts, recipients }) };
    }

    return { message, suppressed, sender };
  }

  /** Rate slot, claim, retry budget, send: the attempt itself, ending in sent, failed or retry. */
  private async attempt(d: Delivery, { id, recipients, message, suppressed, sender }: AttemptInput): Promise<RecordOutcome> {
    const { messages, limiters } = this.deps;
    const maxWaitMs = d.deadline - this.clock.now() - this.cfg.minSendWindowMs;
    if (maxWaitMs < 0) return this.settle.defer(d, id, 'deadline', 1);
    const slot = await limiters.for(sender.name).acquire(maxWaitMs);
    if (!slot.ok) return this.settle.defer(d, id, 'rate_limited', Math.ceil(slot.retryAfterMs / 1000));

    const claim = await messages.claim(id, {
      now: this.nowIso(),
      leaseUntil: iso(d.deadline + this.cfg.leaseSkewMs),
      receiveCount: d.receiveCount,
    });
    if (!claim.claimed) return this.afterConflict(d, id, claim.record);
    const { token, record: claimed } = claim;

    // A claim taken over from workers that stopped mid-send (crash, timeout) also counts: a
    // message that kills the function every time fails here instead of looping.
    const spent = claimed.attempts - 1 - claimed.throttles;
    if (spent >= this.cfg.maxReceiveCount) {
      const why = `${spent} earlier attempt(s) ended without an outcome (the function stopped mid-send)`;
      const reason = { code: 'retries_exhausted', message: why, retryable: false };
      return this.fail(d, { id, actor: { token }, reason, attempts: claimed.attempts, recipients });
    }

    // Recipients an earlier attempt settled (a partly completed bulk send), or that tracking
    // already saw (an attempt the provider accepted before the function died), are not sent again.
    const toSend = recipients.filter((r) => !suppressed.has(r));
    const settled = toSend.filter((r) => r in claimed.recipients);
    if (settled.length === toSend.length) {
      const nothingToSend = { provider: claimed.provider ?? sender.name, recipients: {} };
      return this.recordSent(d, { id, token, result: nothingToSend, toSend, settled, suppressed, recipients });
    }
    const outgoing = withoutRecipients(message, new Set(suppressed.keys()));
    const hold = this.deps.policy?.hold?.(outgoing, this.clock.now());
    if (hold) return this.hold(d, id, token, hold);
    let result: SendResult;
    try {
      result = await sender.send(outgoing, {
        messageId: id,
        attempt: claimed.attempts,
        tags: message.tags,
        ignoreUnsupportedFeatures: this.cfg.ignoreUnsupportedFeatures,
        settledRecipients: settled,
      });
    } catch (error) {
      const failure = classifySendFailure(error);
      return this.sendFailed(d, { id, token, claimed, failure, provider: sender.name, recipients });
    }
    return this.recordSent(d, { id, token, result, toSend, settled, suppressed, recipients });
  }

  /** A record already existed for this id: a redelivery, a duplicate, or an operator's DLQ redrive. */
  private async resolveExisting(d: Delivery, id: string, current: StoredMessage): Promise<Resolved> {
    const { messages, metrics, logger } = this.deps;
    if (current.bodySha256 && current.bodySha256 !== d.bodySha256) {
      // The id is the idempotency key and the first body stands, whatever state it is in: this
      // body is never sent and never touches the record. Going on would send it in place of the
      // first (if that one is still pending or errored) under the first one's recipients and
      // index items, or stamp its DLQ copy as the first one's dead-lettering. Where the first
      // is sent, cancelled or still to be sent, this one is a duplicate; where it failed, nothing
      // was delivered under the id, so this body goes to the DLQ (id_conflict) rather than away.
      metrics.count('idConflict');
      logger.warn('id reused with a different body; the first message stands (the id is the idempotency key)', {
        messageId: id,
        status: current.status,
      });
      if (current.status === 'failed') {
        const message = `id ${id} belongs to another message, which failed (${current.error?.code ?? 'failed'}); send this one under a new id`;
        const reason = { code: 'id_conflict', message, retryable: false };
        await this.settle.deadLetter(d, id, reason, 0, { stamp: false });
        return { outcome: { kind: 'failed', id, code: reason.code } };
      }
      metrics.count('duplicate');
      return { outcome: { kind: 'duplicate', id, status: current.status } };
    }
    const redriveMark = readAttr(d.record.messageAttributes, QUEUE_ATTRS.deadLetteredAt);
    if (current.status === 'failed' && redriveMark !== undefined && current.deadLetteredAt === redriveMark) {
      const reopened = await messages.reopenRedriven(id, redriveMark, this.nowIso());
      if (reopened) {
        metrics.count('redriven');
        logger.info('message redriven from the DLQ; sending again', { messageId: id });
        return { record: reopened };
      }
      current = (await messages.get(id)) ?? current;
    }
    if (current.status === 'failed') {
      if (redriveMark !== undefined)
        logger.warn('DLQ copy does not match the last dead-lettering; dead-lettered again', { messageId: id, redriveMark });
      return { outcome: await this.deadLetterAgain(d, id, current) };
    }
    if (TERMINAL_STATUSES.has(current.status)) {
      metrics.count('duplicate');
      logger.info('already final; acknowledged without sending', { messageId: id, status: current.status });
      return { outcome: { kind: 'duplicate', id, status: current.status } };
    }
    return { record: current };
  }

  private async recordSent(d: Delivery, { id, token, result, toSend, settled, suppressed, recipients }: Sent): Promise<RecordOutcome> {
    const { messages, metrics, logger } = this.deps;
    const states: Record<string, { status: SendStatus | 'suppressed'; providerMessageId?: string }> = {};
    const perRecipientIds: Record<string, string> = {};
    for (const key of toSend) {
      const r = result.recipients[key];
      if (!r) {
        // Settled by an earlier attempt: its entry stays as it is. Otherwise the provider did
        // not report on this recipient.
        if (!settled.includes(key)) states[key] = { status: 'unknown' };
        continue;
      }
      states[key] = recipientState(r);
      if (r.providerMessageId && r.providerMessageId !== result.providerMessageId) perRecipientIds[key] = r.providerMessageId;
    }
    for (const key of suppressed.keys()) states[key] = { status: 'suppressed' };
    try {
      await messages.markSent(id, token, {
        provider: result.provider,
        providerMessageId: result.providerMessageId,
        recipients: states,
        sentAt: this.nowIso(),
        smsSegments: result.smsSegments,
        smsEncoding: result.smsEncoding,
        ignoredFeatures: result.ignoredFeatures,
      });
    } catch (error) {
      // The provider has the message. Acknowledging it is the only way not to send it twice;
      // the record stays `processing` and the alarm on this metric tells an operator.
      metrics.count('unrecorded');
      logger.error('sent but not recorded', { messageId: id, providerMessageId: result.providerMessageId, error: describeError(error) });
      return { kind: 'sent', id, recorded: false };
    }
    metrics.count('sent');
    if (suppressed.size > 0) metrics.count('suppressed', suppressed.size);
    if (result.ignoredFeatures?.length) logger.warn('unsupported features dropped', { messageId: id, features: result.ignoredFeatures });
    logger.info('sent', {
      messageId: id,
      provider: result.provider,
      providerMessageId: result.providerMessageId,
      receiveCount: d.receiveCount,
    });
    await this.syncIndex(id, recipients, 'sent', perRecipientIds);
    return { kind: 'sent', id, recorded: true };
  }

  private async sendFailed(d: Delivery, { id, token, claimed, failure, provider, recipients }: SendFailure): Promise<RecordOutcome> {
    const { messages, limiters, metrics, logger } = this.deps;
    const settled = failure.recipients ? mapValues(failure.recipients, recipientState) : undefined;
    if (failure.kind === 'permanent')
      return this.fail(d, { id, actor: { token }, reason: failure.error, attempts: claimed.attempts, recipients, settled });

    const throttled = failure.kind === 'throttle';
    if (throttled) {
      limiters.for(provider).onThrottle();
      metrics.count('throttled');
    }
    // Throttled attempts do not use up the retry budget: the limiter slows down instead.
    const spent = claimed.attempts - claimed.throttles - (throttled ? 1 : 0);
    if (!throttled && spent >= this.cfg.maxReceiveCount) {
      const message = `gave up after ${spent} attempt(s); last error ${failure.error.code}: ${failure.error.message}`;
      const reason = { code: 'retries_exhausted', message, retryable: false };
      return this.fail(d, { id, actor: { token }, reason, attempts: claimed.attempts, recipients, settled });
    }
    const delaySeconds = backoffSeconds(throttled ? claimed.throttles + 1 : spent, this.cfg.backoff, this.random);
    try {
      const nextAttemptAt = iso(this.clock.now() + delaySeconds * 1000);
      await messages.markErrored(id, token, {
        error: failure.error,
        throttled,
        now: this.nowIso(),
        nextAttemptAt,
        ...(settled ? { recipients: settled } : {}),
      });
    } catch (error) {
      if (error instanceof TransitionConflictError) return this.afterConflict(d, id, error.current);
      throw error;
    }
    metrics.count('errored');
    const { code, message } = failure.error;
    logger.warn('send failed; will retry', { messageId: id, code, error: message, attempts: claimed.attempts, delaySeconds });
    const via = await this.settle.putBack(d, delaySeconds);
    return { kind: 'retry', id, code: failure.error.code, delaySeconds, via };
  }

  /**
   * Too many messages to one destination range (the SMS pumping signature): recorded `errored`
   * with the reason, counted as a throttle (the wait does not use up the retry budget), and
   * put back until the range has room. Never dropped; the `held` metric drives an alarm.
   */
  private async hold(d: Delivery, id: string, token: string, hold: Hold): Promise<RecordOutcome> {
    const { messages, metrics, logger } = this.deps;
    // A little jitter, so the held messages of one range do not all come back at once.
    const delaySeconds = Math.ceil(hold.retryAfterMs / 1000) + Math.floor(this.random() * 5);
    const error = { code: DESTINATION_HELD, message: hold.reason, retryable: true };
    try {
      await messages.markErrored(id, token, {
        error,
        throttled: true,
        now: this.nowIso(),
        nextAttemptAt: iso(this.clock.now() + delaySeconds * 1000),
      });
    } catch (e) {
      if (e instanceof TransitionConflictError) return this.afterConflict(d, id, e.current);
      throw e;
    }
    metrics.count('held');
    logger.warn('held: too many messages to one destination range', { messageId: id, range: hold.range, delaySeconds });
    const via = await this.settle.putBack(d, delaySeconds);
    return { kind: 'retry', id, code: DESTINATION_HELD, delaySeconds, via };
  }

  private async cancelSuppressed(
    d: Delivery,
    id: string,
    recipients: readonly string[],
    suppressed: ReadonlyMap<string, SuppressionEntry>,
  ): Promise<RecordOutcome> {
    const list = [...suppressed.values()].map((e) => `${e.address} (${e.reason})`).join(', ');
    const reason = { code: 'all_recipients_suppressed', message: `every recipient is on the suppression list: ${list}`, retryable: false };
    try {
      await this.deps.messages.markCancelled(
        id,
        { unclaimed: true },
        {
          error: reason,
          now: this.nowIso(),
          recipients: Object.fromEntries(recipients.map((r) => [r, { status: 'suppressed' as const }])),
        },
      );
    } catch (error) {
      if (error instanceof TransitionConflictError) return this.afterConflict(d, id, error.current);
      throw error;
    }
    this.deps.metrics.count('cancelled');
    this.deps.metrics.count('suppressed', suppressed.size);
    this.deps.logger.info('cancelled: every recipient suppressed', { messageId: id });
    await this.syncIndex(id, recipients, 'cancelled');
    return { kind: 'cancelled', id };
  }

  /** failed + DLQ with the reason; `settled` records what the provider said per recipient. */
  private async fail(d: Delivery, { id, actor, reason, attempts, recipients, settled }: Failure): Promise<RecordOutcome> {
    try {
      await this.deps.messages.markFailed(id, actor, { error: reason, now: this.nowIso(), ...(settled ? { recipients: settled } : {}) });
    } catch (error) {
      if (error instanceof TransitionConflictError) return this.afterConflict(d, id, error.current);
      throw error;
    }
    this.deps.metrics.count('failed');
    await this.syncIndex(id, recipients, 'failed');
    await this.settle.deadLetter(d, id, reason, attempts);
    return { kind: 'failed', id, code: reason.code };
  }

  /**
   * Every delivery of a failed message ends in the DLQ: the first one's write may have been
   * lost (the function stopped between markFailed and the DLQ write), a redrive may have lost
   * its marker, or a producer sent it again. A second DLQ entry is better than a message that
   * vanishes.
   */
  private async deadLetterAgain(d: Delivery, id: string, current: StoredMessage): Promise<RecordOutcome> {
    const reason = current.error ?? { code: 'failed', message: 'failed', retryable: false };
    await this.settle.deadLetter(d, id, reason, current.attempts);
    return { kind: 'failed', id, code: reason.code };
  }

  /** A transition was refused: someone else finished the message, or holds it right now. */
  private afterConflict(d: Delivery, id: string, current: StoredMessage | undefined): Promise<RecordOutcome> | RecordOutcome {
    // Another delivery failed it between our read and our write; it may yet die before its own
    // DLQ write, and acknowledging this copy would then leave the message nowhere.
    if (current?.status === 'failed') return this.deadLetterAgain(d, id, current);
    if (current && TERMINAL_STATUSES.has(current.status)) {
      this.deps.metrics.count('duplicate');
      this.deps.logger.info('already final; acknowledged without sending', { messageId: id, status: current.status });
      return { kind: 'duplicate', id, status: current.status };
    }
    // Processing under a live claim (a concurrent delivery of the same message): come back
    // once it has had time to finish, then the record says what happened.
    const leaseLeftS = current?.leaseExpiresAt ? Math.ceil((Date.parse(current.leaseExpiresAt) - this.clock.now()) / 1000) : 0;
    const delay = Math.max(1, Math.min(leaseLeftS + 1, this.cfg.backoff.baseSeconds));
    return this.settle.defer(d, id, current?.status === 'processing' ? 'in_flight' : 'conflict', delay);
  }

  private async syncIndex(
    id: string,
    recipients: readonly string[],
    status: 'sent' | 'failed' | 'cancelled',
    providerMessageIds?: Record<string, string>,
  ): Promise<void> {
    try {
      await this.deps.messages.syncRecipientIndex(id, recipients, status, providerMessageIds);
    } catch (error) {
      // The message item is the authority; a stale index status only shows in raw GSI queries.
      this.deps.logger.warn('recipient index status not updated', { messageId: id, status, error: describeError(error) });
    }
  }

  private sender(message: Message, name: string): Sender {
    try {
      if (message.channel === 'email') {
        const p = this.deps.providers.email(name);
        if (p) return { name: p.name, send: (m, ctx) => p.send(m as EmailMessage, ctx) };
      } else {
        const p = this.deps.providers.sms(name);
        if (p) return { name: p.name, send: (m, ctx) => p.send(m as SmsMessage, ctx) };
      }
    } catch (error) {
      throw new UnknownProviderError(message.channel, name, { cause: error });
    }
    throw new UnknownProviderError(message.channel, name);
  }

  private nowIso(): string {
    return iso(this.clock.now());
  }
}

function stripUndefined<T extends object>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;
}

/** What a provider reported for one recipient, as the message record keeps it. */
function recipientState(r: { status: SendStatus; providerMessageId?: string }): { status: SendStatus; providerMessageId?: string } {
  return r.providerMessageId ? { status: r.status, providerMessageId: r.providerMessageId } : { status: r.status };
}

function mapValues<V, W>(obj: Readonly<Record<string, V>>, fn: (v: V) => W): Record<string, W> {
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, fn(v)]));
}

/** The `failed` transition: who may take it, why, and what the provider said per recipient. */
interface Failure {
  readonly id: string;
  readonly actor: Actor;
  readonly reason: MessageError;
  readonly attempts: number;
  readonly recipients: readonly string[];
  readonly settled?: Readonly<Record<string, { status: RecipientState['status'] }>>;
}

/** The `sent` transition: the provider's answer, and which recipients it covers. */
interface Sent {
  readonly id: string;
  readonly token: string;
  readonly result: SendResult;
  readonly toSend: readonly string[];
  /** Settled by an earlier attempt: their entries stay as they are. */
  readonly settled: readonly string[];
  readonly suppressed: ReadonlyMap<string, SuppressionEntry>;
  readonly recipients: readonly string[];
}

/** A send that threw: permanent (failed), throttled or transient (errored, retried). */
interface SendFailure {
  readonly id: string;
  readonly token: string;
  readonly claimed: StoredMessage;
  readonly failure: ClassifiedFailure;
  readonly provider: string;
  readonly recipients: readonly string[];
}

interface AdmitInput {
  readonly id: string;
  readonly message: Message;
  readonly recipients: readonly string[];
  readonly providerName: string;
  readonly attempts: number;
}

/** A message the policy let through, due now, with someone left to send to and a provider. */
interface Admitted {
  readonly message: Message;
  readonly suppressed: ReadonlyMap<string, SuppressionEntry>;
  readonly sender: Sender;
}

interface AttemptInput extends Admitted {
  readonly id: string;
  readonly recipients: readonly string[];
}
