/**
 * Local end to end: enqueue (SendMessage, as a producer) → record `sent` (SQS long poll →
 * poller → send handler → aws-ses-v2-local / SMS outbox → DynamoDB), with the whole local
 * pipeline in this process on freshly started local servers.
 *
 * - latency: 50 messages one at a time, each timed from SendMessage until the send handler
 *   has written `sent` (the pipeline's in-process `sent` counter moves right after the
 *   conditional write; watching it, not polling DynamoDB, keeps the probe from loading the
 *   store it measures); median and p90. Each record is then read back to check it is `sent`.
 * - burst: 50 messages enqueued at once (SendMessageBatch), time until all are `sent`.
 *
 * The tracking side runs too: each email's Send/Delivery events flow through SNS → SQS →
 * the tracking handler while the next message is being sent, as they would in use.
 *
 * What dominates: DynamoDB Local (a JVM) answers each of the handler's conditional writes in
 * a few milliseconds; SES/SQS/S3 stand-ins are Node processes on loopback.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { type LocalPipeline, startLocalPipeline } from '../src/local/pipeline.js';
import { startLocalServers } from '../src/local/servers.js';
import { MessageStore } from '../src/store/messages.js';
import { type Benchmark, type BenchResult, median, percentile } from './harness.js';

const N = 50;

function emailBody(id: string): string {
  return JSON.stringify({
    channel: 'email',
    id,
    from: 'Bench <bench@example.com>',
    to: 'success@simulator.amazonses.com',
    subject: 'bench',
    text: 'hello',
  });
}

function smsBody(id: string): string {
  return JSON.stringify({ channel: 'sms', id, to: '+14155550100', body: 'bench' });
}

async function untilCount(pipeline: LocalPipeline, counter: string, target: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((pipeline.counters[counter] ?? 0) < target) {
    if (Date.now() > deadline) throw new Error(`${counter} did not reach ${target} in time (at ${pipeline.counters[counter] ?? 0})`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

async function checkSent(store: MessageStore, ids: readonly string[]): Promise<void> {
  for (const id of ids) {
    const status = (await store.get(id))?.status;
    if (status !== 'sent') throw new Error(`message ${id} is ${status ?? 'absent'}, expected sent`);
  }
}

async function latency(pipeline: LocalPipeline, channel: 'email' | 'sms'): Promise<BenchResult> {
  const store = new MessageStore(pipeline.clients.doc, pipeline.state.tables.messages);
  const body = channel === 'email' ? emailBody : smsBody;
  const samples: number[] = [];
  const ids: string[] = [];
  const counter = `${channel}.sent`;
  for (let i = 0; i < N + 3; i++) {
    const id = `bench-${channel}-${randomUUID()}`;
    ids.push(id);
    const before = pipeline.counters[counter] ?? 0;
    const start = performance.now();
    await pipeline.clients.sqs.send(new SendMessageCommand({ QueueUrl: pipeline.state.queues[channel], MessageBody: body(id) }));
    await untilCount(pipeline, counter, before + 1, 30_000);
    if (i >= 3) samples.push(performance.now() - start); // the first three warm up clients and JIT
  }
  await checkSent(store, ids);
  return { name: `${channel}: enqueue → sent, one at a time (n=${N})`, medianMs: median(samples), p90Ms: percentile(samples, 90) };
}

async function burst(pipeline: LocalPipeline): Promise<BenchResult> {
  const store = new MessageStore(pipeline.clients.doc, pipeline.state.tables.messages);
  const ids = Array.from({ length: N }, () => `burst-${randomUUID()}`);
  const before = pipeline.counters['email.sent'] ?? 0;
  const start = performance.now();
  for (let i = 0; i < ids.length; i += 10) {
    await pipeline.clients.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: pipeline.state.queues.email,
        Entries: ids.slice(i, i + 10).map((id, j) => ({ Id: String(j), MessageBody: emailBody(id) })),
      }),
    );
  }
  await untilCount(pipeline, 'email.sent', before + N, 120_000);
  const totalMs = performance.now() - start;
  await checkSent(store, ids);
  return {
    name: `email: burst of ${N} enqueued at once → all sent`,
    figures: { total: `${Math.round(totalMs)} ms`, 'messages/s': (N / (totalMs / 1000)).toFixed(1) },
  };
}

export const benchmarks: Benchmark[] = [
  {
    name: 'Local end to end (in-process pipeline on local servers)',
    async run() {
      process.env.POWERTOOLS_METRICS_DISABLED = 'true';
      const servers = await startLocalServers();
      const dir = mkdtempSync(join(tmpdir(), 'mailroom-bench-'));
      let pipeline: LocalPipeline | undefined;
      try {
        pipeline = await startLocalPipeline({
          endpoints: servers.endpoints,
          prefix: 'bench',
          stateDir: dir,
          writeState: false,
          maxSendRate: 1000,
        });
        return [await latency(pipeline, 'email'), await latency(pipeline, 'sms'), await burst(pipeline)];
      } finally {
        await pipeline?.stop();
        await servers.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  },
];
