/**
 * Issue 7, defect 5: a body too large to go to the DLQ with its reason attributes goes by
 * reference (src/send/oversize.ts), against fauxqs (which counts message size as SQS does:
 * body + attribute names, types and values) and s3rver. The boundary is found exactly: the
 * attributes of a small probe with the same shape, same id length and a fixed clock are the
 * attributes of every later write.
 */

import { createHash } from 'node:crypto';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { type Message, type MessageAttributeValue, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { validatorFor } from '../../../src/contract/validate.js';
import { createSendHandler } from '../../../src/handlers/send.js';
import type { EmailProvider } from '../../../src/providers/types.js';
import { S3BodyStore, SQS_MAX_MESSAGE_BYTES, sqsBodyPrefix, sqsMessageSize } from '../../../src/send/oversize.js';
import { createSendProcessor } from '../../../src/send/process.js';
import { QUEUE_ATTRS, SqsSendQueue } from '../../../src/send/queue.js';
import { RateLimiters } from '../../../src/send/rate-limit.js';
import { MessageStore } from '../../../src/store/messages.js';
import { SuppressionStore } from '../../../src/store/suppressions.js';
import { type LocalEnv, localEnv } from '../../support/local.js';
import { permanent, providerLookup, RecordingLogger, RecordingMetrics, ScriptedEmailProvider } from '../../support/send-doubles.js';
import { deliverOnce, receive } from '../../support/sqs-event.js';

/** A fixed clock (in the past, so leases computed from the real deadline stay long): every deadLetteredAt is the same length. */
const NOW = Date.parse('2026-01-01T00:00:00.000Z');
const envs: LocalEnv[] = [];
afterEach(() => {
  for (const e of envs.splice(0)) e.clients.destroy();
});

async function fixture(
  provider: EmailProvider = new ScriptedEmailProvider('scripted'),
  { now = () => NOW, queueRetentionSeconds }: { now?: () => number; queueRetentionSeconds?: number } = {},
) {
  const env = await localEnv({ maxReceiveCount: 3 });
  envs.push(env);
  const { doc, sqs, s3 } = env.clients;
  const { tables, queues, buckets } = env.resources;
  const messages = new MessageStore(doc, tables.messages);
  const metrics = new RecordingMetrics();
  const logger = new RecordingLogger();
  const handler = createSendHandler({
    logger,
    processor: createSendProcessor({
      validate: validatorFor('email'),
      config: {
        channel: 'email',
        defaultProvider: provider.name,
        maxReceiveCount: 3,
        backoff: { baseSeconds: 1, maxSeconds: 1 },
        ignoreUnsupportedFeatures: false,
        ...(queueRetentionSeconds ? { queueRetentionSeconds } : {}),
      },
      messages,
      suppressions: new SuppressionStore(doc, tables.suppressions),
      providers: providerLookup({ email: [provider] }),
      queue: new SqsSendQueue(sqs, {
        queueUrl: queues.email.url,
        dlqUrl: queues.email.dlqUrl,
        bodies: new S3BodyStore(s3, { bucket: buckets.payload, prefix: sqsBodyPrefix('email') }),
      }),
      limiters: new RateLimiters({ ratePerSecond: 50 }),
      logger,
      metrics,
      clock: { now },
    }),
  });
  const queue = { url: queues.email.url, arn: queues.email.arn };
  const enqueue = (body: string, attributes?: Record<string, MessageAttributeValue>) =>
    sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: body, ...(attributes ? { MessageAttributes: attributes } : {}) }));
  const deliver = () => deliverOnce(handler, sqs, queue, { waitSeconds: 5 });
  const dlqEntry = async (): Promise<Message> => {
    const [entry, ...more] = await receive(sqs, queues.email.dlqUrl, { waitSeconds: 2 });
    expect(more).toHaveLength(0);
    return entry!;
  };
  const object = async (bucket: string, key: string) =>
    (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString('utf8');
  /** What StartMessageMoveTask does for a redrive: the entry's body and attributes, back on the source queue. */
  const redrive = (entry: Message) => enqueue(entry.Body!, attributesOf(entry));
  return { env, messages, metrics, logger, provider, enqueue, deliver, dlqEntry, object, redrive };
}

/** A received message's attributes in SendMessage form. */
function attributesOf(m: Message): Record<string, MessageAttributeValue> {
  return Object.fromEntries(
    Object.entries(m.MessageAttributes ?? {}).map(([name, a]) => [name, { DataType: a.DataType!, StringValue: a.StringValue }]),
  );
}

/** An invalid email (no from, to, subject; an unknown key) whose reasons do not depend on the padding. */
const invalidBody = (id: string, pad: number) => JSON.stringify({ channel: 'email', id, pad: 'x'.repeat(pad) });
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
const refOf = (entry: Message) =>
  (JSON.parse(entry.Body!) as { mailroomBodyRef: { bucket: string; key: string; bytes: number; sha256: string } }).mailroomBodyRef;

describe('DLQ writes of bodies near the SQS limit', () => {
  it('an invalid body whose DLQ write is exactly 1 MiB goes whole; one byte more goes by reference with the reason intact', async () => {
    // Prepare: the probe's DLQ entry tells the size of the attributes every write of this shape gets.
    const f = await fixture();
    await f.enqueue(invalidBody('big-0', 10));
    await f.deliver();
    const probe = await f.dlqEntry();
    const overhead = sqsMessageSize('', attributesOf(probe));
    const pad = SQS_MAX_MESSAGE_BYTES - overhead - bytes(invalidBody('big-1', 0));
    const atLimit = invalidBody('big-1', pad);
    const pastLimit = invalidBody('big-2', pad + 1);

    // Act
    await f.enqueue(atLimit);
    await f.deliver();
    const whole = await f.dlqEntry();
    await f.enqueue(pastLimit);
    await f.deliver();
    const byRef = await f.dlqEntry();
    // Without the reference, the same write is refused by the queue: the defect.
    const { [QUEUE_ATTRS.bodyRef]: _marker, ...reason } = attributesOf(byRef);
    const refused = await f.env.clients.sqs
      .send(new SendMessageCommand({ QueueUrl: f.env.resources.queues.email.dlqUrl, MessageBody: pastLimit, MessageAttributes: reason }))
      .then(
        () => undefined,
        (error: Error) => error,
      );

    // Assess
    expect(sqsMessageSize(whole.Body!, attributesOf(whole))).toBe(SQS_MAX_MESSAGE_BYTES);
    expect(whole.Body).toBe(atLimit);
    expect(whole.MessageAttributes?.[QUEUE_ATTRS.bodyRef]).toBeUndefined();
    const ref = refOf(byRef);
    expect(byRef.MessageAttributes?.[QUEUE_ATTRS.bodyRef]?.StringValue).toBe(`s3://${ref.bucket}/${ref.key}`);
    expect(ref).toMatchObject({ bucket: f.env.resources.buckets.payload, bytes: bytes(pastLimit) });
    expect(ref.key).toMatch(/^sqs-bodies\/email\/[0-9a-f]{64}$/);
    expect(await f.object(ref.bucket, ref.key)).toBe(pastLimit);
    for (const entry of [whole, byRef]) {
      expect(entry.MessageAttributes?.[QUEUE_ATTRS.errorCode]?.StringValue).toBe('invalid_message');
      expect(entry.MessageAttributes?.[QUEUE_ATTRS.errorMessage]?.StringValue).toBe(
        probe.MessageAttributes?.[QUEUE_ATTRS.errorMessage]?.StringValue,
      );
    }
    expect(byRef.MessageAttributes?.[QUEUE_ATTRS.messageId]?.StringValue).toBe('big-2');
    expect(await f.messages.get('big-2')).toMatchObject({
      status: 'failed',
      error: { code: 'invalid_message' },
      deadLetteredAt: new Date(NOW).toISOString(),
    });
    expect(refused?.message).toMatch(/Message must be shorter than 1048576 bytes/);
    expect(f.metrics.counts).toMatchObject({ invalid: 3, deadLettered: 3, byReference: 1 });
  });

  it('a producer body of exactly 1 MiB with its own attributes: by reference, theirs kept as far as they fit', async () => {
    // Prepare
    const f = await fixture();
    const attrs = { traceId: { DataType: 'String', StringValue: 'trace-1' } };
    const body = invalidBody('max-1', 0);
    const full = invalidBody('max-1', SQS_MAX_MESSAGE_BYTES - bytes(body) - sqsMessageSize('', attrs));

    // Act
    await f.enqueue(full, attrs);
    await f.deliver();
    const entry = await f.dlqEntry();

    // Assess
    expect(sqsMessageSize(full, attrs)).toBe(SQS_MAX_MESSAGE_BYTES);
    expect(await f.object(refOf(entry).bucket, refOf(entry).key)).toBe(full);
    expect(entry.MessageAttributes?.traceId?.StringValue).toBe('trace-1');
    expect(entry.MessageAttributes?.[QUEUE_ATTRS.errorCode]?.StringValue).toBe('invalid_message');
  });

  it('a permanent failure of a near-limit email goes by reference, and its redrive sends the whole body again', async () => {
    // Prepare
    const provider = new ScriptedEmailProvider('scripted', [permanent('configuration_set_not_found')]);
    const f = await fixture(provider);
    const text = 'y'.repeat(SQS_MAX_MESSAGE_BYTES - 400);
    const body = JSON.stringify({ channel: 'email', id: 'near-1', from: 'shop@example.com', to: 'ann@example.com', subject: 'Big', text });

    // Act
    await f.enqueue(body);
    await f.deliver();
    const entry = await f.dlqEntry();
    await f.redrive(entry);
    await f.deliver();

    // Assess
    expect(entry.MessageAttributes?.[QUEUE_ATTRS.errorCode]?.StringValue).toBe('configuration_set_not_found');
    expect(entry.MessageAttributes?.[QUEUE_ATTRS.bodyRef]?.StringValue).toMatch(/^s3:\/\//);
    expect(provider.calls).toHaveLength(2);
    expect((provider.calls[1]!.message as { text?: string }).text).toBe(text);
    expect(await f.messages.get('near-1')).toMatchObject({ status: 'sent', redrives: 1 });
    expect(f.metrics.counts).toMatchObject({ redriven: 1, byReference: 1 });
  });

  it('a near-limit scheduled message re-enqueued as a fresh copy goes by reference too', async () => {
    // Prepare: a wait that would outlive the queue's retention (an hour here; real clock, as
    // SQS's SentTimestamp is real), so the first receive puts a fresh copy back.
    const f = await fixture(undefined, { now: Date.now, queueRetentionSeconds: 3600 });
    const sendAt = new Date(Date.now() + 24 * 3600_000).toISOString();
    const bodyWith = (text: string) =>
      JSON.stringify({ channel: 'email', id: 'later-1', from: 'shop@example.com', to: 'ann@example.com', subject: 'Later', text, sendAt });
    // 10 bytes under the limit: the copy's one attribute (mailroom.requeues) does not fit beside it.
    const body = bodyWith('z'.repeat(SQS_MAX_MESSAGE_BYTES - 10 - bytes(bodyWith(''))));

    // Act
    await f.enqueue(body);
    const d = await f.deliver();

    // Assess
    expect(d?.deleted).toHaveLength(1);
    expect(f.metrics.counts).toMatchObject({ deferred: 1, requeued: 1, byReference: 1 });
    const key = `sqs-bodies/email/${createHash('sha256').update(body).digest('hex')}`;
    expect(await f.object(f.env.resources.buckets.payload, key)).toBe(body);
    expect(await f.messages.get('later-1')).toMatchObject({ status: 'pending', attempts: 0 });
  });

  it('a redriven reference whose object is gone or altered is not acknowledged: it comes back, and SQS redrive is the backstop', async () => {
    // Prepare
    const f = await fixture();
    await f.enqueue(invalidBody('gone-1', SQS_MAX_MESSAGE_BYTES - 200));
    await f.deliver();
    const entry = await f.dlqEntry();
    const ref = refOf(entry);
    await f.env.clients.s3.send(new DeleteObjectCommand({ Bucket: ref.bucket, Key: ref.key }));
    const altered = await fixture();
    await altered.enqueue(invalidBody('altered-1', SQS_MAX_MESSAGE_BYTES - 200));
    await altered.deliver();
    const alteredEntry = await altered.dlqEntry();
    const alteredRef = refOf(alteredEntry);
    await altered.env.clients.s3.send(new PutObjectCommand({ Bucket: alteredRef.bucket, Key: alteredRef.key, Body: 'not the body' }));

    // Act
    await f.redrive(entry);
    const missing = await f.deliver();
    await altered.redrive(alteredEntry);
    const mismatched = await altered.deliver();

    // Assess
    expect(missing?.kept).toHaveLength(1);
    expect(mismatched?.kept).toHaveLength(1);
    expect(f.logger.lines.find((l) => l.level === 'error')?.extra?.error).toMatch(/BodyReferenceError: s3:GetObject .*sqs-bodies\/email\//);
    expect(altered.logger.lines.find((l) => l.level === 'error')?.extra?.error).toMatch(/BodyReferenceError: sha256 check/);
  });

  it('a marker pointing outside our prefix is not followed: the pointer body is an invalid message, dead-lettered with its reason', async () => {
    // Prepare
    const f = await fixture();
    const forged = JSON.stringify({
      mailroomBodyRef: { bucket: f.env.resources.buckets.inbound, key: 'raw/secret', bytes: 1, sha256: '0'.repeat(64) },
    });

    // Act
    await f.enqueue(forged, { [QUEUE_ATTRS.bodyRef]: { DataType: 'String', StringValue: 's3://elsewhere/raw/secret' } });
    const d = await f.deliver();
    const entry = await f.dlqEntry();

    // Assess
    expect(d?.deleted).toHaveLength(1);
    expect(entry.Body).toBe(forged);
    expect(entry.MessageAttributes?.[QUEUE_ATTRS.errorCode]?.StringValue).toBe('invalid_message');
    expect(entry.MessageAttributes?.[QUEUE_ATTRS.bodyRef]).toBeUndefined();
  });
});
