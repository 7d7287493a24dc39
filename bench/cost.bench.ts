/**
 * Cost model per email: what Mailroom adds to SES's own $0.10 per 1,000 emails for one email
 * sent and two events tracked (Delivery, Open), measured on the real handlers and stores:
 *
 * - DynamoDB read and write units: every DynamoDB call of the send and tracking handlers goes
 *   through a client middleware that asks for `ReturnConsumedCapacity: 'TOTAL'` and sums the
 *   answer of DynamoDB Local (the stores are unchanged: the middleware sits on the client they
 *   are given). Calls that fail a condition are counted too (AWS bills them; Local returns no
 *   capacity for them).
 * - SQS requests: counted by a middleware on the SQS client, including the producer's
 *   SendMessage and the event source mapping's ReceiveMessage/DeleteMessage, which this bench
 *   performs the way Lambda's poller does, one message per batch (the worst case; batches of
 *   10 divide the poller's share by 10).
 * - Lambda: handler CPU time (process.cpuUsage around each invocation, warm: modules loaded and
 *   the SNS certificate cached), priced per GB-second at each function's configured memory
 *   (lib/: send 512 MB, tracking 512 MB), plus the per-request price. Lambda bills wall-clock
 *   duration, rounded up to 1 ms; waiting on DynamoDB and SES in AWS adds to it (see docs/costs.md).
 * - SNS: one publish per tracked event (SES publishes to the events topic).
 *
 * Everything runs against freshly started local servers (DynamoDB Local, fauxqs for SQS,
 * aws-ses-v2-local for SES): the send handler uses the SES adapter against aws-ses-v2-local;
 * tracking gets SES events (the fixtures, joined to the sent message) in SNS notifications
 * signed by the test PKI, verified for real. Prices: bench/prices.ts.
 *
 * `npm run bench cost` prints the figures; `npm run bench cost -- --write-docs` also rewrites
 * the table in docs/costs.md from them.
 */

import { Console } from 'node:console';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SNSEvent } from 'aws-lambda';
import { validatorFor } from '../src/contract/validate.js';
import { createSendHandler } from '../src/handlers/send.js';
import { createTrackingHandler } from '../src/handlers/tracking.js';
import { localClients } from '../src/local/clients.js';
import { localLogger } from '../src/local/log.js';
import { provisionLocal } from '../src/local/provision.js';
import { startLocalServers } from '../src/local/servers.js';
import { toSqsEvent } from '../src/local/sqs-event.js';
import { LocalEmailProvider } from '../src/providers/email/local.js';
import { encodeTagValue, MESSAGE_ID_TAG } from '../src/providers/email/ses-tags.js';
import { createProviderRegistry } from '../src/providers/registry.js';
import { createSendProcessor } from '../src/send/process.js';
import { SqsSendQueue } from '../src/send/queue.js';
import { RateLimiters } from '../src/send/rate-limit.js';
import { MessageStore } from '../src/store/messages.js';
import { SuppressionStore } from '../src/store/suppressions.js';
import { SnsVerifier } from '../src/tracking/sns/index.js';
import { createIngestDeps } from '../src/tracking/wiring.js';
import { CERT_URL, lambdaRecord, NOW, notification, TOPIC } from '../test/support/sns/envelopes.js';
import { issueCertificate } from '../test/support/sns/pki.js';
import { fixture } from '../test/support/tracking-fixtures.js';
import { type Benchmark, type BenchResult, median } from './harness.js';
import { PRICES } from './prices.js';

const EMAILS = 15;
const WARMUP = 3;
const SEND_MEMORY_MB = 512; // lib/config.ts send.memoryMiB default
const TRACKING_MEMORY_MB = 512; // lib/tracking-pipeline.ts
const DOCS = new URL('../docs/costs.md', import.meta.url);

const READS = new Set(['GetItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetItemCommand', 'TransactGetItemsCommand']);

interface Capacity {
  read: number;
  write: number;
  conditionFailures: number;
  /** Per DynamoDB operation: calls and units. */
  byOperation: Record<string, { calls: number; units: number }>;
}
const zero = (): Capacity => ({ read: 0, write: 0, conditionFailures: 0, byOperation: {} });
const describeCalls = (c: Capacity) =>
  Object.entries(c.byOperation)
    .map(([op, { calls, units }]) => `${op.replace(/Command$/, '')} ×${calls} = ${units} ${READS.has(op) ? 'RRU' : 'WRU'}`)
    .join(', ');

type Consumed = { CapacityUnits?: number; ReadCapacityUnits?: number; WriteCapacityUnits?: number };

/** Sums ConsumedCapacity of every call through `doc`'s client into `meter.current`. */
function meterDynamoDb(doc: DynamoDBDocumentClient, meter: { current: Capacity }): void {
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      const op = context.commandName ?? 'unknown';
      const c = meter.current;
      const entry = (c.byOperation[op] ??= { calls: 0, units: 0 });
      entry.calls++;
      try {
        const result = await next({ ...args, input: { ...(args.input as object), ReturnConsumedCapacity: 'TOTAL' } });
        const consumed = (result.output as { ConsumedCapacity?: Consumed | Consumed[] }).ConsumedCapacity;
        for (const unit of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) {
          const units = unit.CapacityUnits ?? (unit.ReadCapacityUnits ?? 0) + (unit.WriteCapacityUnits ?? 0);
          if (READS.has(op)) c.read += units;
          else c.write += units;
          c.byOperation[op]!.units += units;
        }
        return result;
      } catch (error) {
        // A failed condition still costs a write unit on AWS; Local reports none with the error.
        if ((error as Error).name === 'ConditionalCheckFailedException' || (error as Error).name === 'TransactionCanceledException') {
          c.conditionFailures++;
          c.write += 1;
          entry.units += 1;
        }
        throw error;
      }
    },
    { step: 'initialize', name: 'mailroomCostMeter' },
  );
}

function meterRequests(client: { middlewareStack: { add: (...a: never[]) => void } }, counts: Record<string, number>): void {
  (client.middlewareStack.add as (mw: unknown, o: unknown) => void)(
    (next: (a: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
      const op = context.commandName ?? 'unknown';
      counts[op] = (counts[op] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: 'mailroomRequestMeter' },
  );
}

function cpuMs<T>(fn: () => Promise<T>): Promise<{ value: T; cpu: number; wall: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  return fn().then((value) => {
    const d = process.cpuUsage(cpu0);
    return { value, cpu: (d.user + d.system) / 1000, wall: performance.now() - t0 };
  });
}

export interface CostFigures {
  readonly emails: number;
  readonly send: { readonly rru: number; readonly wru: number; readonly cpuMs: number; readonly wallMs: number; readonly ddbCalls: string };
  readonly tracking: {
    readonly rru: number;
    readonly wru: number;
    readonly cpuMs: number;
    readonly wallMs: number;
    readonly ddbCalls: string;
    readonly events: number;
  };
  readonly sqsRequests: Record<string, number>;
  readonly conditionFailures: number;
}

async function measure(): Promise<CostFigures> {
  const servers = await startLocalServers();
  const clients = localClients(servers.endpoints);
  // The measuring code reads records through its own, unmetered client.
  const probe = localClients(servers.endpoints);
  try {
    const prefix = `cost-${randomUUID().slice(0, 8)}`;
    const base = await provisionLocal(clients, prefix);
    const meter = { current: zero() };
    meterDynamoDb(clients.doc, meter);
    const sqsCounts: Record<string, number> = {};
    meterRequests(clients.sqs as never, sqsCounts);

    const silent = () => undefined;
    const sendLogger = localLogger('send-email', silent, false);
    const processor = createSendProcessor({
      validate: validatorFor('email'),
      config: {
        channel: 'email',
        defaultProvider: 'ses',
        maxReceiveCount: 5,
        backoff: { baseSeconds: 30, maxSeconds: 900 },
        ignoreUnsupportedFeatures: false,
      },
      messages: new MessageStore(clients.doc, base.tables.messages),
      suppressions: new SuppressionStore(clients.doc, base.tables.suppressions),
      providers: createProviderRegistry({
        email: [new LocalEmailProvider(clients.sesv2, { name: 'ses', configurationSet: 'mailroom-cost' })],
      }),
      queue: new SqsSendQueue(clients.sqs, { queueUrl: base.queues.email.url, dlqUrl: base.queues.email.dlqUrl }),
      limiters: new RateLimiters({ ratePerSecond: 1000 }),
      logger: sendLogger,
      metrics: { count: () => undefined },
    });
    const sendHandler = createSendHandler({ processor, logger: sendLogger });

    const pki = issueCertificate();
    const trackingLogger = localLogger('tracking', silent, false);
    const trackingMetrics = new Metrics({ namespace: 'Mailroom', serviceName: 'mailroom-tracking' });
    // The EMF lines are serialized as in Lambda, then dropped instead of cluttering the bench output.
    (trackingMetrics as unknown as { console: Console }).console = new Console({
      stdout: new Writable({ write: (_c, _e, done) => done() }),
    });
    const trackingHandler = createTrackingHandler({
      sns: {
        verifier: new SnsVerifier({
          allowedTopicArns: [TOPIC],
          fetchCertificate: async (url) => (url === CERT_URL ? pki.pem : Promise.reject(new Error(url))),
          now: () => NOW,
        }),
        logger: trackingLogger,
        metrics: trackingMetrics,
        snsClientForRegion: () => clients.sns,
      },
      ingest: createIngestDeps({ doc: clients.doc, tables: base.tables, payload: { s3: clients.s3, bucket: base.buckets.payload } }),
      logger: trackingLogger,
      metrics: trackingMetrics,
    });
    const probeMessages = new MessageStore(probe.doc, base.tables.messages);
    const recipient = 'success@simulator.amazonses.com';

    const sendSamples: { cap: Capacity; cpu: number; wall: number }[] = [];
    const trackSamples: { cap: Capacity; cpu: number; wall: number; events: number }[] = [];
    const sqsBefore: Record<string, number>[] = [];
    for (let n = 0; n < WARMUP + EMAILS; n++) {
      if (n === WARMUP) sqsBefore.push({ ...sqsCounts });
      const id = `cost-${n}-${randomUUID()}`;
      const body = JSON.stringify({
        channel: 'email',
        id,
        from: 'Shop <shop@example.com>',
        to: [`Ann Example <${recipient}>`],
        subject: 'Your order has shipped',
        text: 'Your order 1042 has shipped and will arrive on Thursday.',
        tags: ['orders'],
        metadata: { orderId: 1042 },
      });
      // Producer, then the event source mapping's receive (batch of one).
      await clients.sqs.send(new SendMessageCommand({ QueueUrl: base.queues.email.url, MessageBody: body }));
      const { Messages = [] } = await clients.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: base.queues.email.url,
          MaxNumberOfMessages: 1,
          WaitTimeSeconds: 5,
          MessageSystemAttributeNames: ['All'],
        }),
      );
      if (Messages.length !== 1) throw new Error(`expected the message back from the queue, got ${Messages.length}`);
      meter.current = zero();
      const sent = await cpuMs(() => sendHandler(toSqsEvent(Messages, base.queues.email.arn, 'us-east-1')));
      if (sent.value.batchItemFailures.length) throw new Error(`send left ${id} on the queue`);
      sendSamples.push({ cap: meter.current, cpu: sent.cpu, wall: sent.wall });
      await clients.sqs.send(new DeleteMessageCommand({ QueueUrl: base.queues.email.url, ReceiptHandle: Messages[0]!.ReceiptHandle! }));

      const record = await probeMessages.get(id);
      if (record?.status !== 'sent' || !record.providerMessageId) throw new Error(`${id} is ${record?.status ?? 'absent'}, expected sent`);
      meter.current = zero();
      let cpu = 0;
      let wall = 0;
      let events = 0;
      for (const type of ['event-delivery', 'event-open'] as const) {
        const event = fixture('ses', type);
        event['mail'] = {
          ...event['mail'],
          messageId: record.providerMessageId,
          destination: [recipient],
          tags: { ...event['mail'].tags, [MESSAGE_ID_TAG]: [encodeTagValue(id)] },
        };
        if (event['delivery']) event['delivery'] = { ...event['delivery'], recipients: [recipient] };
        const sns: SNSEvent = {
          Records: [
            lambdaRecord(notification(pki.privateKey, { Message: JSON.stringify(event), SignatureVersion: '2', MessageId: randomUUID() })),
          ],
        };
        const tracked = await cpuMs(() => trackingHandler(sns));
        cpu += tracked.cpu;
        wall += tracked.wall;
        events++;
      }
      trackSamples.push({ cap: meter.current, cpu, wall, events });
      const after = await probeMessages.get(id);
      const state = Object.values(after?.recipients ?? {})[0]?.status;
      if (state !== 'opened') throw new Error(`${id}: recipient is ${state ?? 'absent'} after Delivery and Open, expected opened`);
    }
    const measuredSend = sendSamples.slice(WARMUP);
    const measuredTrack = trackSamples.slice(WARMUP);
    const sqsRequests = Object.fromEntries(
      Object.entries(sqsCounts).map(([op, count]) => [op, (count - (sqsBefore[0]![op] ?? 0)) / EMAILS]),
    );
    return {
      emails: EMAILS,
      send: {
        rru: median(measuredSend.map((s) => s.cap.read)),
        wru: median(measuredSend.map((s) => s.cap.write)),
        cpuMs: median(measuredSend.map((s) => s.cpu)),
        wallMs: median(measuredSend.map((s) => s.wall)),
        ddbCalls: describeCalls(measuredSend[0]!.cap),
      },
      tracking: {
        rru: median(measuredTrack.map((s) => s.cap.read)),
        wru: median(measuredTrack.map((s) => s.cap.write)),
        cpuMs: median(measuredTrack.map((s) => s.cpu)),
        wallMs: median(measuredTrack.map((s) => s.wall)),
        ddbCalls: describeCalls(measuredTrack[0]!.cap),
        events: measuredTrack[0]!.events,
      },
      sqsRequests,
      conditionFailures: [...measuredSend, ...measuredTrack].reduce((n, s) => n + s.cap.conditionFailures, 0) / EMAILS,
    };
  } finally {
    clients.destroy();
    probe.destroy();
    await servers.stop();
  }
}

export interface CostLine {
  readonly item: string;
  readonly quantity: string;
  readonly usd: number;
}

/** The cost lines per email from measured figures and PRICES. */
export function costLines(f: CostFigures): CostLine[] {
  const gbs = (ms: number, mb: number) => (Math.max(1, Math.ceil(ms)) / 1000) * (mb / 1024);
  const sqs = Object.values(f.sqsRequests).reduce((a, b) => a + b, 0);
  const sqsDetail = Object.entries(f.sqsRequests)
    .map(([op, n]) => `${n} ${op.replace(/Command$/, '')}`)
    .join(' + ');
  const trackingInvocations = f.tracking.events;
  return [
    { item: 'DynamoDB writes (send)', quantity: `${f.send.wru} WRU`, usd: f.send.wru * PRICES.dynamodb.writeRequestUnit },
    { item: 'DynamoDB reads (send)', quantity: `${f.send.rru} RRU`, usd: f.send.rru * PRICES.dynamodb.readRequestUnit },
    {
      item: 'DynamoDB writes (2 events tracked)',
      quantity: `${f.tracking.wru} WRU`,
      usd: f.tracking.wru * PRICES.dynamodb.writeRequestUnit,
    },
    { item: 'DynamoDB reads (2 events tracked)', quantity: `${f.tracking.rru} RRU`, usd: f.tracking.rru * PRICES.dynamodb.readRequestUnit },
    { item: 'SQS requests', quantity: `${sqs} (${sqsDetail})`, usd: sqs * PRICES.sqs.request },
    {
      item: `Lambda send, ${SEND_MEMORY_MB} MB arm64`,
      quantity: `1 invocation, ${f.send.cpuMs.toFixed(1)} ms CPU (billed ${Math.ceil(f.send.cpuMs)} ms)`,
      usd: PRICES.lambda.request + gbs(f.send.cpuMs, SEND_MEMORY_MB) * PRICES.lambda.gbSecondArm64,
    },
    {
      item: `Lambda tracking, ${TRACKING_MEMORY_MB} MB arm64`,
      quantity: `${trackingInvocations} invocations, ${f.tracking.cpuMs.toFixed(1)} ms CPU in all (billed ${Math.ceil(f.tracking.cpuMs / trackingInvocations)} ms each)`,
      usd:
        trackingInvocations *
        (PRICES.lambda.request + gbs(f.tracking.cpuMs / trackingInvocations, TRACKING_MEMORY_MB) * PRICES.lambda.gbSecondArm64),
    },
    { item: 'SNS publishes (SES → events topic)', quantity: `${trackingInvocations}`, usd: trackingInvocations * PRICES.sns.publish },
  ];
}

const usd = (v: number) => `$${(v * 1000).toFixed(5)}`;

export function costTable(f: CostFigures): string {
  const lines = costLines(f);
  const total = lines.reduce((n, l) => n + l.usd, 0);
  const ses = PRICES.ses.email;
  return [
    '| per email (1 sent, 2 events tracked) | measured | USD per 1,000 emails |',
    '|---|---|---:|',
    ...lines.map((l) => `| ${l.item} | ${l.quantity} | ${usd(l.usd)} |`),
    `| **Mailroom total** | | **${usd(total)}** |`,
    `| SES itself | 1 email | ${usd(ses)} |`,
    `| **Mailroom ÷ SES** | | **${((total / ses) * 100).toFixed(1)}%** (goal < 10%) |`,
  ].join('\n');
}

const BEGIN = '<!-- cost-table:begin (written by `npm run bench cost -- --write-docs`) -->';
const END = '<!-- cost-table:end -->';

function writeDocs(f: CostFigures): void {
  const doc = readFileSync(DOCS, 'utf8');
  const start = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) throw new Error(`docs/costs.md lacks the ${BEGIN} … ${END} markers`);
  const measured = [
    `Measured ${new Date().toISOString().slice(0, 10)} on Node ${process.versions.node}, ${f.emails} emails after ${WARMUP} warm-up emails (medians):`,
    `send handler ${f.send.cpuMs.toFixed(2)} ms CPU (${f.send.wallMs.toFixed(1)} ms wall on local servers), DynamoDB ${f.send.ddbCalls};`,
    `tracking handler ${f.tracking.cpuMs.toFixed(2)} ms CPU for both events (${f.tracking.wallMs.toFixed(1)} ms wall), DynamoDB ${f.tracking.ddbCalls};`,
    `failed conditional writes per email: ${f.conditionFailures}.`,
  ].join('\n');
  writeFileSync(DOCS, `${doc.slice(0, start + BEGIN.length)}\n${costTable(f)}\n\n${measured}\n${doc.slice(end)}`);
}

export const benchmarks: Benchmark[] = [
  {
    name: 'Cost per email: 1 sent + 2 events tracked, DynamoDB Local capacity, SQS requests, handler CPU (list prices, bench/prices.ts)',
    async run(): Promise<BenchResult[]> {
      const f = await measure();
      if (process.argv.includes('--write-docs')) writeDocs(f);
      const lines = costLines(f);
      const total = lines.reduce((n, l) => n + l.usd, 0);
      return [
        ...lines.map((l) => ({ name: l.item, figures: { measured: l.quantity, 'USD/1000 emails': usd(l.usd) } })),
        {
          name: 'Mailroom total vs SES $0.10/1000',
          figures: { 'USD/1000 emails': usd(total), 'of SES': `${((total / PRICES.ses.email) * 100).toFixed(1)}%`, goal: '< 10%' },
        },
        {
          name: 'send handler',
          medianMs: f.send.cpuMs,
          figures: { 'wall ms (local servers)': f.send.wallMs.toFixed(1), DynamoDB: f.send.ddbCalls },
        },
        {
          name: 'tracking handler (2 events)',
          medianMs: f.tracking.cpuMs,
          figures: { 'wall ms (local servers)': f.tracking.wallMs.toFixed(1), DynamoDB: f.tracking.ddbCalls },
        },
      ];
    },
  },
];
