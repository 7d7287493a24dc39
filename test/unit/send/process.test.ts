import { describe, expect, it } from 'vitest';
import { deriveId, validatorFor } from '../../../src/contract/validate.js';
import { PartialSendError, UnsupportedFeatureError } from '../../../src/providers/errors.js';
import { MAX_DELAY_SECONDS, MAX_VISIBILITY_SECONDS } from '../../../src/send/backoff.js';
import { createSendProcessor } from '../../../src/send/process.js';
import { QUEUE_ATTRS } from '../../../src/send/queue.js';
import { RateLimiters } from '../../../src/send/rate-limit.js';
import { sha256 } from '../../../src/send/settle.js';
import { keepsMessage, type SendConfig } from '../../../src/send/types.js';
import { MemoryMessageStore, MemorySuppressions } from '../../support/memory-stores.js';
import {
  permanent,
  providerLookup,
  RecordingLogger,
  RecordingMetrics,
  RecordingQueue,
  ScriptedEmailProvider,
  ScriptedSmsProvider,
  type Step,
  sqsRecord,
  stringAttribute,
  throttled,
  transient,
} from '../../support/send-doubles.js';

const T0 = Date.parse('2030-01-01T00:00:00.000Z');

function setup(opts: { config?: Partial<SendConfig>; email?: Step[]; sms?: Step[]; ratePerSecond?: number } = {}) {
  let now = T0;
  const clock = { now: () => now };
  const messages = new MemoryMessageStore();
  const suppressions = new MemorySuppressions();
  const queue = new RecordingQueue();
  const metrics = new RecordingMetrics();
  const logger = new RecordingLogger();
  const ses = new ScriptedEmailProvider('ses', opts.email);
  const sns = new ScriptedSmsProvider('sns', opts.sms);
  const limiters = new RateLimiters({ ratePerSecond: opts.ratePerSecond ?? 1000, now: clock.now, sleep: async (ms) => void (now += ms) });
  const config: SendConfig = {
    channel: 'email',
    defaultProvider: 'ses',
    maxReceiveCount: 3,
    backoff: { baseSeconds: 10, maxSeconds: 300 },
    ignoreUnsupportedFeatures: false,
    ...opts.config,
  };
  const processor = createSendProcessor({
    config,
    validate: validatorFor(config.channel),
    messages,
    suppressions,
    providers: providerLookup({ email: [ses], sms: [sns] }),
    queue,
    limiters,
    logger,
    metrics,
    clock,
    random: () => 0.999,
  });
  const deliver = (body: unknown, o: Parameters<typeof sqsRecord>[1] & { deadline?: number } = {}) =>
    processor.processRecord(sqsRecord(body, { sentTimestamp: now, ...o }), { deadline: o.deadline ?? now + 60_000 });
  return {
    messages,
    suppressions,
    queue,
    metrics,
    logger,
    ses,
    sns,
    limiters,
    deliver,
    advance: (ms: number) => void (now += ms),
    now: () => now,
  };
}

const email = (over: Record<string, unknown> = {}) => ({
  channel: 'email',
  id: 'm-1',
  from: 'Shop <shop@example.com>',
  to: ['Ann <ann@example.com>'],
  subject: 'Hi',
  text: 'Hello',
  ...over,
});

describe('process: the happy path and idempotency', () => {
  it('sends a valid email once and records it sent with per-recipient status', async () => {
    const t = setup();
    const outcome = await t.deliver(email({ cc: 'Bob@Example.com', tags: ['welcome'] }));
    expect(outcome).toEqual({ kind: 'sent', id: 'm-1', recorded: true });
    expect(keepsMessage(outcome)).toBe(false);
    expect(t.ses.calls).toHaveLength(1);
    expect(t.ses.calls[0]!.ctx).toMatchObject({ messageId: 'm-1', attempt: 1, tags: ['welcome'], settledRecipients: [] });
    expect(await t.messages.get('m-1')).toMatchObject({
      status: 'sent',
      attempts: 1,
      provider: 'ses',
      providerMessageId: 'ses-m-1-1',
      tags: ['welcome'],
      recipients: { 'ann@example.com': { status: 'queued' }, 'bob@example.com': { status: 'queued' } },
    });
    expect(t.messages.index.get('m-1 bob@example.com')).toEqual({ status: 'sent' });
    expect(t.metrics.counts).toEqual({ sent: 1 });
  });

  it('sends an SMS on the SMS queue', async () => {
    const t = setup({ config: { channel: 'sms', defaultProvider: 'sns' } });
    const outcome = await t.deliver({ channel: 'sms', id: 's-1', to: '+14155550100', body: 'Your code is 123456' });
    expect(outcome.kind).toBe('sent');
    expect(t.sns.calls[0]!.message.to).toBe('+14155550100');
    expect((await t.messages.get('s-1'))?.recipients).toEqual({ '+14155550100': { status: 'queued', providerMessageId: 'sns-s-1-1' } });
  });

  it('acknowledges a redelivery of a sent message without sending again', async () => {
    const t = setup();
    await t.deliver(email());
    const again = await t.deliver(email(), { receiveCount: 2 });
    expect(again).toEqual({ kind: 'duplicate', id: 'm-1', status: 'sent' });
    expect(t.ses.calls).toHaveLength(1);
    expect(t.metrics.counts.duplicate).toBe(1);
  });

  it('treats a reused id with another body as the same message, and says so', async () => {
    const t = setup();
    await t.deliver(email());
    const other = await t.deliver(email({ subject: 'Different' }));
    expect(other.kind).toBe('duplicate');
    expect(t.ses.calls).toHaveLength(1);
    expect(t.metrics.counts.idConflict).toBe(1);
  });

  it("never sends a reused id's other body, even while the first one waits for its retry", async () => {
    const t = setup({ email: [transient()] });
    expect((await t.deliver(email())).kind).toBe('retry');
    t.advance(60_000);
    const other = await t.deliver(email({ subject: 'Different', to: ['Zed <zed@example.com>'] }));
    expect(other).toEqual({ kind: 'duplicate', id: 'm-1', status: 'errored' });
    expect(t.ses.calls).toHaveLength(1);
    expect(t.metrics.counts.idConflict).toBe(1);
    expect((await t.deliver(email(), { receiveCount: 2 })).kind).toBe('sent');
    expect(t.ses.calls.map((c) => c.message.subject)).toEqual(['Hi', 'Hi']);
    expect(Object.keys((await t.messages.get('m-1'))!.recipients)).toEqual(['ann@example.com']);
  });

  it("puts a reused id's other body in the DLQ when the first one failed, without touching the record", async () => {
    const t = setup({ email: [permanent()] });
    await t.deliver(email());
    const stamped = (await t.messages.get('m-1'))?.deadLetteredAt;
    t.advance(1000);
    const other = await t.deliver(email({ subject: 'Different' }), {
      messageAttributes: { [QUEUE_ATTRS.deadLetteredAt]: stringAttribute(stamped!) },
    });
    expect(other).toEqual({ kind: 'failed', id: 'm-1', code: 'id_conflict' });
    expect(t.queue.deadLettered).toHaveLength(2);
    expect(JSON.parse(t.queue.deadLettered[1]!.body)).toMatchObject({ subject: 'Different' });
    expect(t.queue.deadLettered[1]!.attributes[QUEUE_ATTRS.errorCode]?.StringValue).toBe('id_conflict');
    expect(await t.messages.get('m-1')).toMatchObject({ status: 'failed', deadLetteredAt: stamped, error: { code: 'message_rejected' } });
    expect(t.ses.calls).toHaveLength(1);
    expect(t.metrics.counts.redriven).toBeUndefined();
  });

  it('derives the same id for the same body without an id, so it is still sent once', async () => {
    const t = setup();
    const body = JSON.stringify(email({ id: undefined }));
    const first = await t.deliver(body);
    const second = await t.deliver(body);
    expect(first).toMatchObject({ kind: 'sent', id: deriveId(body) });
    expect(second.kind).toBe('duplicate');
    expect((await t.messages.get(deriveId(body)))?.idDerived).toBe(true);
  });
});

describe('process: invalid messages', () => {
  it('records a non-JSON body as failed with the reason and the raw body, and dead-letters it whole', async () => {
    const t = setup();
    const raw = '{"channel":"email", this is not json';
    const outcome = await t.deliver(raw);
    const id = deriveId(raw);
    expect(outcome).toEqual({ kind: 'invalid', id });
    expect(await t.messages.get(id)).toMatchObject({
      status: 'failed',
      rawBody: raw,
      idDerived: true,
      error: { code: 'invalid_message', retryable: false },
    });
    expect(t.queue.deadLettered).toHaveLength(1);
    expect(t.queue.deadLettered[0]!.body).toBe(raw);
    expect(t.queue.deadLettered[0]!.attributes[QUEUE_ATTRS.errorCode]?.StringValue).toBe('invalid_message');
    expect((await t.messages.get(id))?.deadLetteredAt).toBe(t.queue.deadLettered[0]!.attributes[QUEUE_ATTRS.deadLetteredAt]?.StringValue);
    expect(t.metrics.counts).toMatchObject({ invalid: 1, deadLettered: 1 });
    expect(t.ses.calls).toHaveLength(0);
  });

  it('keeps field-level reasons under the producer id, and refuses a message for the other channel', async () => {
    const t = setup();
    await t.deliver({ channel: 'sms', id: 'wrong-queue', to: '+14155550100', body: 'x' });
    await t.deliver(email({ id: 'bad-fields', from: 'not an address', subject: 'a\r\nBcc: x@evil.example' }));
    expect((await t.messages.get('wrong-queue'))?.error?.reasons).toEqual([{ path: 'channel', message: expect.stringContaining('email') }]);
    const reasons = (await t.messages.get('bad-fields'))?.error?.reasons?.map((r) => r.path);
    expect(reasons).toEqual(expect.arrayContaining(['from', 'subject']));
  });

  it('records an invalid body under a derived id when its id belongs to a valid message', async () => {
    const t = setup();
    await t.deliver(email());
    const raw = JSON.stringify(email({ to: [] }));
    const outcome = await t.deliver(raw);
    expect(outcome).toEqual({ kind: 'invalid', id: deriveId(raw) });
    expect((await t.messages.get('m-1'))?.status).toBe('sent');
  });

  it('puts every later delivery of the same invalid body in the DLQ too, under the same record', async () => {
    const t = setup();
    await t.deliver('nope');
    const again = await t.deliver('nope');
    const redriven = await t.deliver('nope', { messageAttributes: { [QUEUE_ATTRS.deadLetteredAt]: stringAttribute('x') } });
    expect([again.kind, redriven.kind]).toEqual(['invalid', 'invalid']);
    expect(t.queue.deadLettered.map((m) => m.body)).toEqual(['nope', 'nope', 'nope']);
    expect(t.messages.items.size).toBe(1);
    expect(t.metrics.counts.invalid).toBe(1);
  });
});

describe('process: retries, backoff and the DLQ', () => {
  it('returns a transient failure to the queue with backoff, then sends on the next receive', async () => {
    const t = setup({ email: [transient()] });
    const first = await t.deliver(email());
    expect(first).toMatchObject({ kind: 'retry', code: 'provider_error', via: 'visibility' });
    expect(keepsMessage(first)).toBe(true);
    // random() = 0.999 → the top of the full-jitter range: base 10 s · 2^0
    expect(t.queue.visibility).toEqual([{ receiptHandle: expect.any(String), seconds: 10 }]);
    expect(await t.messages.get('m-1')).toMatchObject({
      status: 'errored',
      attempts: 1,
      error: { code: 'provider_error', retryable: true },
    });
    const second = await t.deliver(email(), { receiveCount: 2 });
    expect(second.kind).toBe('sent');
    expect(await t.messages.get('m-1')).toMatchObject({ status: 'sent', attempts: 2 });
    expect((await t.messages.get('m-1'))?.error).toBeUndefined();
  });

  it('gives up after maxReceiveCount transient failures: failed, in the DLQ with the reason, acknowledged', async () => {
    const t = setup({ email: [transient(), transient(), transient('timeout')] });
    await t.deliver(email(), { receiveCount: 1 });
    await t.deliver(email(), { receiveCount: 2 });
    const last = await t.deliver(email(), { receiveCount: 3 });
    expect(last).toEqual({ kind: 'failed', id: 'm-1', code: 'retries_exhausted' });
    expect(keepsMessage(last)).toBe(false);
    expect(t.queue.visibility.map((v) => v.seconds)).toEqual([10, 20]);
    expect(await t.messages.get('m-1')).toMatchObject({
      status: 'failed',
      attempts: 3,
      error: { code: 'retries_exhausted', message: expect.stringContaining('timeout') },
    });
    const dlq = t.queue.deadLettered[0]!;
    expect(dlq.body).toBe(JSON.stringify(email()));
    expect(dlq.attributes[QUEUE_ATTRS.attempts]).toEqual({ DataType: 'Number', StringValue: '3' });
    expect(dlq.attributes[QUEUE_ATTRS.messageId]?.StringValue).toBe('m-1');
    expect(t.messages.index.get('m-1 ann@example.com')?.status).toBe('failed');
  });

  it('fails a permanent provider error at once and records what the provider said per recipient', async () => {
    const refused = permanent('message_rejected');
    Object.assign(refused, { recipients: { 'ann@example.com': { status: 'rejected', detail: 'blocked' } } });
    const t = setup({ email: [refused] });
    const outcome = await t.deliver(email());
    expect(outcome).toEqual({ kind: 'failed', id: 'm-1', code: 'message_rejected' });
    expect(await t.messages.get('m-1')).toMatchObject({
      status: 'failed',
      attempts: 1,
      recipients: { 'ann@example.com': { status: 'rejected' } },
    });
    expect(t.queue.deadLettered[0]!.attributes[QUEUE_ATTRS.errorCode]?.StringValue).toBe('message_rejected');
    expect(t.queue.visibility).toHaveLength(0);
  });

  it('fails an unsupported feature for good', async () => {
    const t = setup({ email: [new UnsupportedFeatureError('ses', 'amp')] });
    expect(await t.deliver(email())).toMatchObject({ kind: 'failed', code: 'unsupported_feature' });
    expect((await t.messages.get('m-1'))?.error?.message).toContain('amp');
  });

  it('fails a message that names a provider nobody configured, without claiming it', async () => {
    const t = setup();
    expect(await t.deliver(email({ provider: 'postmark' }))).toMatchObject({ kind: 'failed', code: 'unknown_provider' });
    expect(await t.messages.get('m-1')).toMatchObject({ status: 'failed', attempts: 0 });
    expect(t.queue.deadLettered).toHaveLength(1);
  });

  it('finishes the dead-lettering of a failed message whose DLQ write was lost', async () => {
    const t = setup({ email: [permanent()] });
    const failing = Object.assign(t.queue, {
      deadLetter: async () => {
        throw new Error('SQS unavailable');
      },
    });
    await expect(t.deliver(email())).rejects.toThrow('SQS unavailable');
    expect((await t.messages.get('m-1'))?.deadLetteredAt).toBeUndefined();
    delete (failing as Partial<RecordingQueue>).deadLetter;
    const redelivered = await t.deliver(email(), { receiveCount: 2 });
    expect(redelivered).toMatchObject({ kind: 'failed', code: 'message_rejected' });
    expect(t.queue.deadLettered).toHaveLength(1);
    expect((await t.messages.get('m-1'))?.deadLetteredAt).toBeDefined();
    expect(t.ses.calls).toHaveLength(1);
  });

  it('sends again when an operator redrives the last DLQ copy; any other delivery of a failed message goes back to the DLQ', async () => {
    const t = setup({ email: [permanent(), permanent()] });
    await t.deliver(email());
    const stale = await t.deliver(email(), {
      messageAttributes: { [QUEUE_ATTRS.deadLetteredAt]: stringAttribute('2029-01-01T00:00:00.000Z') },
    });
    t.advance(1000);
    const duplicate = await t.deliver(email());
    expect([stale.kind, duplicate.kind]).toEqual(['failed', 'failed']);
    expect(t.queue.deadLettered).toHaveLength(3);
    expect(t.ses.calls).toHaveLength(1);
    const mark = t.queue.deadLettered[2]!.attributes[QUEUE_ATTRS.deadLetteredAt]!.StringValue!;
    t.advance(1000);
    const redriven = await t.deliver(email(), { messageAttributes: { [QUEUE_ATTRS.deadLetteredAt]: stringAttribute(mark) } });
    expect(redriven).toMatchObject({ kind: 'failed' });
    expect(t.ses.calls).toHaveLength(2);
    expect(t.metrics.counts.redriven).toBe(1);
    expect((await t.messages.get('m-1'))?.redrives).toBe(1);
  });
});

describe('process: throttling does not use up retries', () => {
  it('slows the limiter and retries past maxReceiveCount, re-enqueueing a fresh copy before SQS would redrive it', async () => {
    // Prepare: maxReceiveCount 2, the provider throttles three times then accepts
    const t = setup({ config: { maxReceiveCount: 2 }, email: [throttled(), throttled(), throttled()], ratePerSecond: 8 });
    // Act
    const r1 = await t.deliver(email(), { receiveCount: 1 });
    const r2 = await t.deliver(email(), { receiveCount: 2 });
    const copy = t.queue.requeued[0]!;
    const r3 = await t.deliver(email(), {
      receiveCount: 1,
      messageAttributes: {
        [QUEUE_ATTRS.requeues]: {
          stringValue: copy.attributes[QUEUE_ATTRS.requeues]!.StringValue!,
          stringListValues: [],
          binaryListValues: [],
          dataType: 'Number',
        },
      },
    });
    t.advance(60_000);
    const r4 = await t.deliver(email(), { receiveCount: 2 });
    // Assess
    expect([r1, r2, r3].map((r) => [r.kind, 'via' in r ? r.via : undefined])).toEqual([
      ['retry', 'visibility'],
      ['retry', 'requeue'],
      ['retry', 'visibility'],
    ]);
    expect(keepsMessage(r2)).toBe(false);
    expect(copy).toMatchObject({ body: JSON.stringify(email()), delaySeconds: 20 });
    expect(copy.attributes[QUEUE_ATTRS.requeues]?.StringValue).toBe('1');
    expect(r4.kind).toBe('sent');
    expect(await t.messages.get('m-1')).toMatchObject({ status: 'sent', attempts: 4, throttles: 3 });
    expect(t.metrics.counts.throttled).toBe(3);
    expect(t.queue.deadLettered).toHaveLength(0);
  });

  it('halves the provider rate on throttling', async () => {
    const t = setup({ email: [throttled()], ratePerSecond: 8 });
    await t.deliver(email());
    expect(t.limiters.for('ses').ratePerSecond).toBe(4);
  });

  it('puts a message back, unclaimed, when the limiter has no slot before the deadline', async () => {
    const t = setup({ ratePerSecond: 0.01 });
    await t.deliver(email({ id: 'first' }));
    const second = await t.deliver(email({ id: 'second' }), { deadline: t.now() + 30_000 });
    expect(second).toMatchObject({ kind: 'deferred', reason: 'rate_limited', via: 'visibility' });
    expect(await t.messages.get('second')).toMatchObject({ status: 'pending', attempts: 0 });
    expect(t.ses.calls).toHaveLength(1);
  });

  it('does not start a send too close to the invocation deadline', async () => {
    const t = setup();
    const outcome = await t.deliver(email(), { deadline: t.now() + 5_000 });
    expect(outcome).toMatchObject({ kind: 'deferred', reason: 'deadline' });
    expect(t.ses.calls).toHaveLength(0);
  });
});

describe('process: scheduled sends', () => {
  it('holds a message until sendAt by visibility timeout, without sending', async () => {
    const t = setup();
    const outcome = await t.deliver(email({ sendAt: new Date(T0 + 2 * 3600_000).toISOString() }));
    expect(outcome).toEqual({ kind: 'deferred', id: 'm-1', reason: 'scheduled', delaySeconds: 7200, via: 'visibility' });
    expect(t.queue.visibility[0]!.seconds).toBe(7200);
    expect(await t.messages.get('m-1')).toMatchObject({ status: 'pending', sendAt: new Date(T0 + 2 * 3600_000).toISOString() });
    expect(t.ses.calls).toHaveLength(0);
    t.advance(7200_000);
    expect((await t.deliver(email({ sendAt: new Date(T0 + 2 * 3600_000).toISOString() }), { receiveCount: 2 })).kind).toBe('sent');
  });

  it('caps one wait at the SQS visibility maximum', async () => {
    const t = setup({ config: { queueRetentionSeconds: 14 * 86_400 } });
    await t.deliver(email({ sendAt: new Date(T0 + 3 * 86_400_000).toISOString() }));
    expect(t.queue.visibility[0]!.seconds).toBe(MAX_VISIBILITY_SECONDS);
  });

  it('re-enqueues a copy instead when the next receive would be redriven or the wait would outlive retention', async () => {
    const t = setup();
    const sendAt = new Date(T0 + 86_400_000).toISOString();
    const atLimit = await t.deliver(email({ sendAt }), { receiveCount: 3 });
    const old = await t.deliver(email({ sendAt }), { receiveCount: 1, sentTimestamp: T0 - 3.9 * 86_400_000 });
    expect([atLimit, old].map((o) => 'via' in o && o.via)).toEqual(['requeue', 'requeue']);
    expect(t.queue.requeued.map((m) => m.delaySeconds)).toEqual([MAX_DELAY_SECONDS, MAX_DELAY_SECONDS]);
    expect(t.queue.visibility).toHaveLength(0);
  });
});

describe('process: suppressions', () => {
  it('cancels a message whose recipients are all suppressed, without sending', async () => {
    const t = setup();
    t.suppressions.suppress('ann@example.com').suppress('bob@example.com', 'complaint');
    const outcome = await t.deliver(email({ bcc: 'BOB@example.com' }));
    expect(outcome).toEqual({ kind: 'cancelled', id: 'm-1' });
    expect(await t.messages.get('m-1')).toMatchObject({
      status: 'cancelled',
      attempts: 0,
      error: { code: 'all_recipients_suppressed' },
      recipients: { 'ann@example.com': { status: 'suppressed' }, 'bob@example.com': { status: 'suppressed' } },
    });
    expect(t.ses.calls).toHaveLength(0);
    expect(t.metrics.counts).toMatchObject({ suppressed: 2, cancelled: 1 });
  });

  it('skips suppressed recipients and sends to the rest', async () => {
    const t = setup();
    t.suppressions.suppress('bob@example.com');
    await t.deliver(email({ cc: ['bob@example.com', 'cy@example.com'], mergeData: undefined }));
    const sent = t.ses.calls[0]!.message;
    expect(sent.to?.map((m) => m.address)).toEqual(['ann@example.com']);
    expect(sent.cc?.map((m) => m.address)).toEqual(['cy@example.com']);
    expect((await t.messages.get('m-1'))?.recipients['bob@example.com']).toEqual({ status: 'suppressed' });
    expect(t.metrics.counts).toMatchObject({ sent: 1, suppressed: 1 });
  });
});

describe('process: concurrent and interrupted deliveries', () => {
  it('backs off while another delivery of the same message holds a live claim', async () => {
    const t = setup();
    const scheduled = email({ sendAt: new Date(T0 + 1000).toISOString() });
    await t.deliver(scheduled);
    t.advance(1000);
    await t.messages.claim('m-1', {
      now: new Date(t.now()).toISOString(),
      leaseUntil: new Date(t.now() + 60_000).toISOString(),
      receiveCount: 1,
    });
    const outcome = await t.deliver(scheduled, { receiveCount: 2 });
    expect(outcome).toMatchObject({ kind: 'deferred', reason: 'in_flight', via: 'visibility', delaySeconds: 10 });
    expect(t.ses.calls).toHaveLength(0);
  });

  it('takes over a claim whose lease expired (the worker died mid-send) and counts that attempt', async () => {
    const t = setup();
    await t.messages.begin({
      id: 'm-1',
      channel: 'email',
      provider: 'ses',
      recipients: ['ann@example.com'],
      now: new Date(T0).toISOString(),
      bodySha256: sha256(JSON.stringify(email())),
      idDerived: false,
    });
    await t.messages.claim('m-1', { now: new Date(T0).toISOString(), leaseUntil: new Date(T0 + 1000).toISOString(), receiveCount: 1 });
    t.advance(5000);
    expect((await t.deliver(email(), { receiveCount: 2 })).kind).toBe('sent');
    expect((await t.messages.get('m-1'))?.attempts).toBe(2);
  });

  it('fails a message whose attempts keep dying mid-send instead of looping', async () => {
    const t = setup();
    await t.messages.begin({
      id: 'm-1',
      channel: 'email',
      provider: 'ses',
      recipients: ['ann@example.com'],
      now: new Date(T0).toISOString(),
      bodySha256: sha256(JSON.stringify(email())),
      idDerived: false,
    });
    for (let i = 0; i < 3; i++) {
      await t.messages.claim('m-1', {
        now: new Date(t.now()).toISOString(),
        leaseUntil: new Date(t.now() + 1000).toISOString(),
        receiveCount: i + 1,
      });
      t.advance(5000);
    }
    const outcome = await t.deliver(email(), { receiveCount: 3 });
    expect(outcome).toMatchObject({ kind: 'failed', code: 'retries_exhausted' });
    expect(t.ses.calls).toHaveLength(0);
  });

  it('records sent without calling the provider when tracking already saw every recipient of a dead attempt', async () => {
    const t = setup();
    await t.messages.begin({
      id: 'm-1',
      channel: 'email',
      provider: 'ses',
      recipients: ['ann@example.com'],
      now: new Date(T0).toISOString(),
      bodySha256: sha256(JSON.stringify(email())),
      idDerived: false,
    });
    await t.messages.claim('m-1', { now: new Date(T0).toISOString(), leaseUntil: new Date(T0 + 1000).toISOString(), receiveCount: 1 });
    t.messages.trackingEvent('m-1', 'ann@example.com', {
      status: 'delivered',
      lastEventType: 'delivered',
      lastEventAt: new Date(T0).toISOString(),
    });
    t.advance(5000);
    expect((await t.deliver(email(), { receiveCount: 2 })).kind).toBe('sent');
    expect(t.ses.calls).toHaveLength(0);
    expect(await t.messages.get('m-1')).toMatchObject({ status: 'sent', recipients: { 'ann@example.com': { status: 'delivered' } } });
  });

  it('after a partly completed bulk send, records the settled recipients and tells the retry to skip them', async () => {
    const partial = new PartialSendError('ses: 1 settled, 1 left', {
      provider: 'ses',
      code: 'transient_failure',
      recipients: { 'ann@example.com': { status: 'queued', providerMessageId: 'p-ann' } },
      unsettled: ['bob@example.com'],
    });
    const t = setup({ email: [partial] });
    const body = email({
      to: ['ann@example.com', 'bob@example.com'],
      mergeData: { 'ann@example.com': { n: 1 }, 'bob@example.com': { n: 2 } },
    });
    expect((await t.deliver(body)).kind).toBe('retry');
    expect((await t.messages.get('m-1'))?.recipients).toEqual({ 'ann@example.com': { status: 'queued', providerMessageId: 'p-ann' } });
    await t.deliver(body, { receiveCount: 2 });
    expect(t.ses.calls[1]!.ctx.settledRecipients).toEqual(['ann@example.com']);
    expect((await t.messages.get('m-1'))?.recipients['ann@example.com']).toEqual({ status: 'queued', providerMessageId: 'p-ann' });
  });

  it('dead-letters its copy when another delivery failed the message between its read and its claim', async () => {
    const t = setup();
    const realClaim = t.messages.claim.bind(t.messages);
    t.messages.claim = async (id, input) => {
      // The other delivery claims, fails the message, and dies before its own DLQ write.
      const other = await realClaim(id, input);
      if (other.claimed)
        await t.messages.markFailed(
          id,
          { token: other.token },
          { error: { code: 'message_rejected', message: 'rejected', retryable: false }, now: input.now },
        );
      return realClaim(id, input);
    };
    const outcome = await t.deliver(email());
    expect(outcome).toEqual({ kind: 'failed', id: 'm-1', code: 'message_rejected' });
    expect(keepsMessage(outcome)).toBe(false);
    expect(t.queue.deadLettered).toHaveLength(1);
    expect(t.queue.deadLettered[0]!.attributes[QUEUE_ATTRS.errorCode]?.StringValue).toBe('message_rejected');
    expect(t.ses.calls).toHaveLength(0);
  });

  it('acknowledges a send the provider accepted even when recording it fails, and counts it', async () => {
    const t = setup();
    t.messages.markSent = async () => {
      throw new Error('DynamoDB unavailable');
    };
    const outcome = await t.deliver(email());
    expect(outcome).toEqual({ kind: 'sent', id: 'm-1', recorded: false });
    expect(keepsMessage(outcome)).toBe(false);
    expect(t.metrics.counts.unrecorded).toBe(1);
    expect(t.logger.lines.some((l) => l.level === 'error' && l.message === 'sent but not recorded')).toBe(true);
  });
});
