/**
 * The real send handler against the real local servers: DynamoDB Local for the stores, fauxqs
 * for the queue and its DLQ (redrive policy with maxReceiveCount 3). Only the provider is a
 * test double (scripted failures), except in the last test, which sends through the local SES.
 */
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { validatorFor } from '../../../src/contract/validate.js';
import { createSendHandler } from '../../../src/handlers/send.js';
import { LocalEmailProvider } from '../../../src/providers/email/local.js';
import type { EmailProvider } from '../../../src/providers/types.js';
import { createSendProcessor } from '../../../src/send/process.js';
import { QUEUE_ATTRS, SqsSendQueue } from '../../../src/send/queue.js';
import { RateLimiters } from '../../../src/send/rate-limit.js';
import { MessageStore } from '../../../src/store/messages.js';
import { SuppressionStore } from '../../../src/store/suppressions.js';
import { type LocalEnv, localEnv } from '../../support/local.js';
import {
  permanent,
  providerLookup,
  RecordingLogger,
  RecordingMetrics,
  ScriptedEmailProvider,
  throttled,
  transient,
} from '../../support/send-doubles.js';
import { deliverOnce, receive } from '../../support/sqs-event.js';

const MAX_RECEIVE_COUNT = 3;
const envs: LocalEnv[] = [];
afterEach(() => {
  for (const e of envs.splice(0)) e.clients.destroy();
});

async function fixture(providers: EmailProvider[]) {
  const env = await localEnv({ maxReceiveCount: MAX_RECEIVE_COUNT });
  envs.push(env);
  const { doc, sqs } = env.clients;
  const { tables, queues } = env.resources;
  const messages = new MessageStore(doc, tables.messages);
  const suppressions = new SuppressionStore(doc, tables.suppressions);
  const metrics = new RecordingMetrics();
  const logger = new RecordingLogger();
  const handler = createSendHandler({
    logger,
    processor: createSendProcessor({
      validate: validatorFor('email'),
      config: {
        channel: 'email',
        defaultProvider: providers[0]!.name,
        maxReceiveCount: MAX_RECEIVE_COUNT,
        backoff: { baseSeconds: 1, maxSeconds: 1 },
        ignoreUnsupportedFeatures: false,
      },
      messages,
      suppressions,
      providers: providerLookup({ email: providers }),
      queue: new SqsSendQueue(sqs, { queueUrl: queues.email.url, dlqUrl: queues.email.dlqUrl }),
      limiters: new RateLimiters({ ratePerSecond: 50 }),
      logger,
      metrics,
    }),
  });
  const queue = { url: queues.email.url, arn: queues.email.arn };
  const enqueue = (body: unknown) =>
    sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: typeof body === 'string' ? body : JSON.stringify(body) }));
  const deliver = (waitSeconds = 5) => deliverOnce(handler, sqs, queue, { waitSeconds });
  /** Delivers until the queue stays empty for `quietSeconds`, as the event source would. */
  const drain = async (quietSeconds = 3) => {
    const rounds = [];
    for (let i = 0; i < 20; i++) {
      const d = await deliver(quietSeconds);
      if (!d) return rounds;
      rounds.push(d);
    }
    throw new Error('queue did not drain');
  };
  const dlq = () => receive(sqs, queues.email.dlqUrl, { waitSeconds: 1 });
  return { env, messages, suppressions, metrics, logger, handler, queue, enqueue, deliver, drain, dlq };
}

const email = (over: Record<string, unknown> = {}) => ({
  channel: 'email',
  id: 'order-1042',
  from: 'Shop <shop@example.com>',
  to: ['ann@example.com'],
  subject: 'Your order',
  text: 'Shipped.',
  ...over,
});

describe('send handler, end to end on the local servers', () => {
  it('sends a duplicate id once, even when both copies arrive in the same batch', async () => {
    const provider = new ScriptedEmailProvider('scripted');
    const f = await fixture([provider]);
    await f.enqueue(email());
    await f.enqueue(email());
    const rounds = await f.drain();
    expect(rounds[0]!.event.Records).toHaveLength(2);
    // One copy sends; the other finds the message sent: at its first read, when its claim loses
    // the race, or (if the claim was still held) after waiting. Which one depends on timing.
    const logged = f.logger.lines.map((l) => l.message);
    expect(logged.filter((m) => m === 'sent')).toHaveLength(1);
    expect(logged.filter((m) => m === 'already final; acknowledged without sending')).toHaveLength(1);
    expect(f.metrics.counts.duplicate).toBe(1);
    expect(provider.calls).toHaveLength(1);
    expect(await f.messages.get('order-1042')).toMatchObject({
      status: 'sent',
      attempts: 1,
      recipients: { 'ann@example.com': { status: 'queued' } },
    });
    expect(await receive(f.env.clients.sqs, f.queue.url)).toHaveLength(0);
    expect(await f.dlq()).toHaveLength(0);
  });

  it('does not resend when a sent message is delivered again', async () => {
    const provider = new ScriptedEmailProvider('scripted');
    const f = await fixture([provider]);
    await f.enqueue(email());
    await f.drain();
    await f.enqueue(email());
    const again = await f.deliver();
    expect(again?.deleted).toHaveLength(1);
    expect(provider.calls).toHaveLength(1);
    expect(f.metrics.counts.duplicate).toBe(1);
  });

  it('records an invalid message as failed and puts it, whole, in the DLQ with the field reasons', async () => {
    const provider = new ScriptedEmailProvider('scripted');
    const f = await fixture([provider]);
    const raw = JSON.stringify(email({ id: 'bad-1', from: 'not an address', subject: 'x\r\nBcc: all@example.com' }));
    await f.enqueue(raw);
    const d = await f.deliver();
    expect(d?.deleted).toHaveLength(1);
    const record = await f.messages.get('bad-1');
    expect(record).toMatchObject({ status: 'failed', rawBody: raw, error: { code: 'invalid_message', retryable: false } });
    expect(record?.error?.reasons?.map((r) => r.path)).toEqual(expect.arrayContaining(['from', 'subject']));
    const [dead] = await f.dlq();
    expect(dead?.Body).toBe(raw);
    expect(dead?.MessageAttributes?.[QUEUE_ATTRS.errorCode]?.StringValue).toBe('invalid_message');
    expect(dead?.MessageAttributes?.[QUEUE_ATTRS.errorMessage]?.StringValue).toContain('subject');
    expect(f.metrics.counts.invalid).toBe(1);
    expect(provider.calls).toHaveLength(0);
  });

  it('ends sent with attempts = 3 when the provider fails transiently twice, then succeeds', async () => {
    const provider = new ScriptedEmailProvider('flaky', [transient(), transient()]);
    const f = await fixture([provider]);
    await f.enqueue(email());
    const rounds = await f.drain();
    expect(rounds.map((r) => r.kept.length)).toEqual([1, 1, 0]);
    expect(rounds.map((r) => r.event.Records[0]!.attributes.ApproximateReceiveCount)).toEqual(['1', '2', '3']);
    const record = await f.messages.get('order-1042');
    expect(record).toMatchObject({ status: 'sent', attempts: 3, throttles: 0 });
    expect(record?.error).toBeUndefined();
    expect(await f.dlq()).toHaveLength(0);
  });

  it('puts a permanently failing message in the DLQ and records it failed', async () => {
    const provider = new ScriptedEmailProvider('broken', [permanent('message_rejected')]);
    const f = await fixture([provider]);
    await f.enqueue(email());
    await f.drain();
    expect(await f.messages.get('order-1042')).toMatchObject({
      status: 'failed',
      attempts: 1,
      error: { code: 'message_rejected', retryable: false },
    });
    const [dead] = await f.dlq();
    expect(JSON.parse(dead!.Body!)).toMatchObject({ id: 'order-1042' });
    expect(dead?.MessageAttributes?.[QUEUE_ATTRS.errorCode]?.StringValue).toBe('message_rejected');
    expect((await f.messages.get('order-1042'))?.deadLetteredAt).toBe(dead?.MessageAttributes?.[QUEUE_ATTRS.deadLetteredAt]?.StringValue);
  });

  it('gives up after maxReceiveCount transient failures: failed, and in the DLQ by our hand with the reason', async () => {
    const provider = new ScriptedEmailProvider('down', [
      transient('timeout'),
      transient('timeout'),
      transient('timeout'),
      transient('timeout'),
    ]);
    const f = await fixture([provider]);
    await f.enqueue(email());
    const rounds = await f.drain();
    expect(rounds).toHaveLength(MAX_RECEIVE_COUNT);
    expect(provider.calls).toHaveLength(MAX_RECEIVE_COUNT);
    expect(await f.messages.get('order-1042')).toMatchObject({ status: 'failed', attempts: 3, error: { code: 'retries_exhausted' } });
    const dead = await f.dlq();
    expect(dead).toHaveLength(1);
    // Written by the handler, not moved by SQS's redrive: it carries the reason.
    expect(dead[0]?.MessageAttributes?.[QUEUE_ATTRS.attempts]?.StringValue).toBe('3');
    expect(dead[0]?.MessageAttributes?.[QUEUE_ATTRS.errorMessage]?.StringValue).toContain('timeout');
  });

  it('keeps retrying through throttling past maxReceiveCount without landing in the DLQ', async () => {
    const provider = new ScriptedEmailProvider('busy', [throttled(), throttled(), throttled(), throttled()]);
    const f = await fixture([provider]);
    await f.enqueue(email());
    await f.drain();
    expect(await f.messages.get('order-1042')).toMatchObject({ status: 'sent', attempts: 5, throttles: 4 });
    expect(f.metrics.counts.requeued).toBeGreaterThanOrEqual(1);
    expect(await f.dlq()).toHaveLength(0);
  });

  it('cancels a message whose recipients are all suppressed, without sending it', async () => {
    const provider = new ScriptedEmailProvider('scripted');
    const f = await fixture([provider]);
    await f.suppressions.add({ address: 'Ann@Example.com', reason: 'hardBounce', sourceEventId: 'ev-1', at: '2030-01-01T00:00:00.000Z' });
    await f.enqueue(email({ cc: 'ann@example.com' }));
    await f.drain();
    expect(await f.messages.get('order-1042')).toMatchObject({
      status: 'cancelled',
      error: { code: 'all_recipients_suppressed' },
      recipients: { 'ann@example.com': { status: 'suppressed' } },
    });
    expect(provider.calls).toHaveLength(0);
    expect(await f.dlq()).toHaveLength(0);
  });

  it('does not send a message whose sendAt is in the future, and keeps it invisible on the queue', async () => {
    const provider = new ScriptedEmailProvider('scripted');
    const f = await fixture([provider]);
    const sendAt = new Date(Date.now() + 3600_000).toISOString();
    await f.enqueue(email({ sendAt }));
    const d = await f.deliver();
    expect(d?.kept).toHaveLength(1);
    expect(await f.deliver(1)).toBeUndefined();
    const { Attributes } = await f.env.clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: f.queue.url, AttributeNames: ['ApproximateNumberOfMessagesNotVisible'] }),
    );
    expect(Attributes?.ApproximateNumberOfMessagesNotVisible).toBe('1');
    expect(await f.messages.get('order-1042')).toMatchObject({ status: 'pending', attempts: 0, sendAt });
    expect(provider.calls).toHaveLength(0);
  });

  it('resends when an operator redrives a failed message from the DLQ, after the cause is fixed', async () => {
    const provider = new ScriptedEmailProvider('fixed-later', [permanent('configuration_set_not_found')]);
    const f = await fixture([provider]);
    await f.enqueue(email());
    await f.drain();
    const [dead] = await f.dlq();
    // Prepare: the operator moves the DLQ entry back to the source queue (what StartMessageMoveTask does)
    await f.env.clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: f.queue.url,
        MessageBody: dead!.Body!,
        MessageAttributes: dead!.MessageAttributes,
      }),
    );
    await f.drain();
    expect(provider.calls).toHaveLength(2);
    expect(await f.messages.get('order-1042')).toMatchObject({ status: 'sent', redrives: 1, attempts: 1 });
  });

  it('sends through the local SES adapter and joins the record to the provider message id', async () => {
    const probe = await localEnv();
    envs.push(probe);
    const f = await fixture([new LocalEmailProvider(probe.clients.sesv2)]);
    await f.enqueue(email({ cc: ['Bob <bob@example.com>'], html: '<p>Shipped.</p>' }));
    await f.drain();
    const record = await f.messages.get('order-1042');
    expect(record).toMatchObject({ status: 'sent', attempts: 1 });
    const store = (await (await fetch(`${f.env.endpoints.sesv2}/store`)).json()) as { emails: { messageId: string; subject: string }[] };
    expect(store.emails.find((e) => e.messageId === record?.providerMessageId)?.subject).toBe('Your order');
    expect((await f.messages.getByProviderMessageId(record!.providerMessageId!))?.id).toBe('order-1042');
    const page = await f.messages.listByRecipient('bob@example.com');
    expect(page.items.map((m) => m.id)).toEqual(['order-1042']);
  });

  it('reports a record that cannot be stored as a batch item failure, and the rest of the batch still goes', async () => {
    const provider = new ScriptedEmailProvider('scripted');
    const f = await fixture([provider]);
    // A message item that is not a valid record shape for claim (wrong type for attempts) makes the update fail
    await f.env.clients.doc.send(
      new PutCommand({
        TableName: f.env.resources.tables.messages,
        Item: { id: 'broken-row', sk: 'message', status: 'pending', attempts: 'many', recipients: {} },
      }),
    );
    await f.enqueue(email({ id: 'broken-row' }));
    await f.enqueue(email({ id: 'fine-row' }));
    const d = await f.deliver();
    expect(d?.event.Records).toHaveLength(2);
    const byId = Object.fromEntries(d!.event.Records.map((r) => [JSON.parse(r.body).id as string, r.messageId]));
    expect(d?.kept).toEqual([byId['broken-row']]);
    expect(d?.deleted).toEqual([byId['fine-row']]);
    expect(await f.messages.get('fine-row')).toMatchObject({ status: 'sent' });
    expect(f.logger.lines.some((l) => l.level === 'error' && l.message.includes('redelivered'))).toBe(true);
  });
});
