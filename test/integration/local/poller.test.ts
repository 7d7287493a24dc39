import { createHash } from 'node:crypto';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { LOCAL_REGION } from '../../../src/local/clients.js';
import { type SqsHandler, SqsPoller } from '../../../src/local/poller.js';
import { type LocalEnv, localEnv } from '../../support/local.js';
import { waitFor } from './wait.js';

const envs: LocalEnv[] = [];
const pollers: SqsPoller[] = [];

async function setup(opts: { maxReceiveCount?: number; visibilityTimeout?: number } = {}): Promise<LocalEnv> {
  const env = await localEnv(opts);
  envs.push(env);
  return env;
}

function poll(env: LocalEnv, handler: SqsHandler, extra: { batchSize?: number; maxConcurrency?: number } = {}): SqsPoller {
  const poller = new SqsPoller({
    name: 'test-fn',
    sqs: env.clients.sqs,
    queueUrl: env.resources.queues.email.url,
    queueArn: env.resources.queues.email.arn,
    region: LOCAL_REGION,
    handler,
    waitTimeSeconds: 1,
    ...extra,
  }).start();
  pollers.push(poller);
  return poller;
}

async function depth(env: LocalEnv, url = env.resources.queues.email.url): Promise<{ visible: number; inflight: number }> {
  const { Attributes } = await env.clients.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return { visible: Number(Attributes?.ApproximateNumberOfMessages), inflight: Number(Attributes?.ApproximateNumberOfMessagesNotVisible) };
}

afterEach(async () => {
  await Promise.all(pollers.splice(0).map((p) => p.stop()));
  for (const env of envs.splice(0)) env.clients.destroy();
});

describe('SqsPoller (Lambda SQS event source semantics)', () => {
  it('invokes the handler with the exact Lambda SQSEvent record shape', async () => {
    // Prepare
    const env = await setup();
    const seen: SQSRecord[] = [];
    poll(env, async (event) => {
      seen.push(...event.Records);
    });
    const body = JSON.stringify({ hello: 'world' });

    // Act
    await env.clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: env.resources.queues.email.url,
        MessageBody: body,
        MessageAttributes: {
          source: { DataType: 'String', StringValue: 'cli' },
          blob: { DataType: 'Binary', BinaryValue: Buffer.from('bytes') },
        },
      }),
    );
    await waitFor(
      () => seen.length,
      (n) => n === 1,
      { what: 'one record' },
    );

    // Assess
    const record = seen[0]!;
    expect(record).toMatchObject({
      body,
      md5OfBody: createHash('md5').update(body).digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: env.resources.queues.email.arn,
      awsRegion: LOCAL_REGION,
      attributes: { ApproximateReceiveCount: '1', SenderId: expect.any(String) },
      messageAttributes: {
        source: { stringValue: 'cli', stringListValues: [], binaryListValues: [], dataType: 'String' },
        blob: { binaryValue: Buffer.from('bytes').toString('base64'), dataType: 'Binary' },
      },
    });
    expect(record.messageId).toMatch(/\S+/);
    expect(record.receiptHandle).toMatch(/\S+/);
    expect(Number(record.attributes.SentTimestamp)).toBeGreaterThan(0);
    expect(Number(record.attributes.ApproximateFirstReceiveTimestamp)).toBeGreaterThanOrEqual(Number(record.attributes.SentTimestamp));
  });

  it('deletes every record of a successful batch', async () => {
    // Prepare
    const env = await setup();
    let handled = 0;
    const poller = poll(env, async (event) => {
      handled += event.Records.length;
      return { batchItemFailures: [] };
    });

    // Act
    await env.clients.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: env.resources.queues.email.url,
        Entries: Array.from({ length: 5 }, (_, i) => ({ Id: String(i), MessageBody: `m${i}` })),
      }),
    );
    await waitFor(
      () => poller.stats.deleted,
      (n) => n === 5,
      { what: 'five deletions' },
    );

    // Assess
    expect(handled).toBe(5);
    expect(await depth(env)).toEqual({ visible: 0, inflight: 0 });
  });

  it('keeps batchItemFailures on the queue, where they reappear after the visibility timeout', async () => {
    // Prepare
    const env = await setup({ visibilityTimeout: 1 });
    const receipts: { body: string; count: string }[] = [];
    const handler: SqsHandler = async (event): Promise<SQSBatchResponse> => {
      receipts.push(...event.Records.map((r) => ({ body: r.body, count: r.attributes.ApproximateReceiveCount })));
      // Fail "retry-me" the first time only.
      return {
        batchItemFailures: event.Records.filter((r) => r.body === 'retry-me' && r.attributes.ApproximateReceiveCount === '1').map((r) => ({
          itemIdentifier: r.messageId,
        })),
      };
    };
    const poller = poll(env, handler);

    // Act
    await env.clients.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: env.resources.queues.email.url,
        Entries: [
          { Id: 'a', MessageBody: 'ok-1' },
          { Id: 'b', MessageBody: 'retry-me' },
          { Id: 'c', MessageBody: 'ok-2' },
        ],
      }),
    );
    await waitFor(
      () => poller.stats.deleted,
      (n) => n === 3,
      { what: 'all three deleted' },
    );

    // Assess: the failed record came back once, with its receive count raised; the others were never redelivered.
    expect(receipts.filter((r) => r.body === 'retry-me').map((r) => r.count)).toEqual(['1', '2']);
    expect(receipts.filter((r) => r.body.startsWith('ok-')).map((r) => r.count)).toEqual(['1', '1']);
    expect(await depth(env)).toEqual({ visible: 0, inflight: 0 });
  });

  it('fails the whole batch when the handler throws or names an unknown record', async () => {
    // Prepare
    const env = await setup({ visibilityTimeout: 1 });
    const attempts = new Map<string, number>();
    const poller = poll(
      env,
      async (event: SQSEvent) => {
        const first = event.Records.every((r) => r.attributes.ApproximateReceiveCount === '1');
        for (const r of event.Records) attempts.set(r.body, (attempts.get(r.body) ?? 0) + 1);
        if (first && event.Records.some((r) => r.body === 'throw')) throw new Error('boom');
        if (first) return { batchItemFailures: [{ itemIdentifier: 'not-in-this-batch' }] };
        return undefined;
      },
      { batchSize: 1, maxConcurrency: 1 },
    );

    // Act
    await env.clients.sqs.send(new SendMessageCommand({ QueueUrl: env.resources.queues.email.url, MessageBody: 'throw' }));
    await env.clients.sqs.send(new SendMessageCommand({ QueueUrl: env.resources.queues.email.url, MessageBody: 'bad-response' }));
    await waitFor(
      () => poller.stats.deleted,
      (n) => n === 2,
      { what: 'both deleted on the second attempt' },
    );

    // Assess
    expect(Object.fromEntries(attempts)).toEqual({ throw: 2, 'bad-response': 2 });
    expect(poller.stats.errors).toBeGreaterThanOrEqual(1);
    expect(await depth(env)).toEqual({ visible: 0, inflight: 0 });
  });

  it('lets fauxqs redrive a message to the DLQ after maxReceiveCount receives', async () => {
    // Prepare
    const env = await setup({ maxReceiveCount: 2, visibilityTimeout: 1 });
    const counts: string[] = [];
    poll(env, async (event) => {
      counts.push(...event.Records.map((r) => r.attributes.ApproximateReceiveCount));
      return { batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) };
    });

    // Act
    await env.clients.sqs.send(new SendMessageCommand({ QueueUrl: env.resources.queues.email.url, MessageBody: 'poison' }));
    const moved = await waitFor(
      async () =>
        (
          await env.clients.sqs.send(
            new ReceiveMessageCommand({
              QueueUrl: env.resources.queues.email.dlqUrl,
              WaitTimeSeconds: 1,
              MessageSystemAttributeNames: ['ApproximateReceiveCount'],
            }),
          )
        ).Messages ?? [],
      (m) => m.length === 1,
      { what: 'the message in the DLQ' },
    );

    // Assess: delivered exactly maxReceiveCount times, then moved with its body intact.
    expect(counts).toEqual(['1', '2']);
    expect(moved[0]!.Body).toBe('poison');
    expect(await depth(env)).toEqual({ visible: 0, inflight: 0 });
  });

  it('never runs more invocations at once than maxConcurrency', async () => {
    // Prepare
    const env = await setup();
    let running = 0;
    let peak = 0;
    let done = 0;
    poll(
      env,
      async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 50));
        running--;
        done++;
      },
      { batchSize: 1, maxConcurrency: 2 },
    );

    // Act
    await env.clients.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: env.resources.queues.email.url,
        Entries: Array.from({ length: 8 }, (_, i) => ({ Id: String(i), MessageBody: `m${i}` })),
      }),
    );
    await waitFor(
      () => done,
      (n) => n === 8,
      { what: 'eight invocations' },
    );

    // Assess
    expect(peak).toBeLessThanOrEqual(2);
    expect(peak).toBeGreaterThanOrEqual(1);
  });

  it('stops cleanly: stop() resolves and nothing is received afterwards', async () => {
    // Prepare
    const env = await setup();
    let handled = 0;
    const poller = poll(env, async (event) => {
      handled += event.Records.length;
    });

    // Act
    await poller.stop();
    await env.clients.sqs.send(new SendMessageCommand({ QueueUrl: env.resources.queues.email.url, MessageBody: 'after-stop' }));

    // Assess
    expect(poller.running).toBe(false);
    expect(handled).toBe(0);
    expect(await depth(env)).toEqual({ visible: 1, inflight: 0 });
  });

  it('stops when its abort signal fires', async () => {
    // Prepare
    const env = await setup();
    const controller = new AbortController();
    const poller = new SqsPoller({
      name: 'signalled',
      sqs: env.clients.sqs,
      queueUrl: env.resources.queues.email.url,
      queueArn: env.resources.queues.email.arn,
      region: LOCAL_REGION,
      handler: async () => undefined,
      waitTimeSeconds: 20,
      signal: controller.signal,
    }).start();

    // Act
    controller.abort();
    await poller.stop();

    // Assess
    expect(poller.running).toBe(false);
    expect(poller.stats.errors).toBe(0);
  });
});
