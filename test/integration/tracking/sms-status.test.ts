/** The SMS delivery-status Lambda against the local servers, fed CloudWatch Logs subscription payloads. */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { CloudWatchLogsEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmsStatusHandler } from '../../../src/handlers/sms-status.js';
import { TRACKING_METRICS } from '../../../src/handlers/tracking-metrics.js';
import { EventStore } from '../../../src/store/events.js';
import { MessageStore } from '../../../src/store/messages.js';
import { encodeLogsEvent } from '../../../src/tracking/cloudwatch-logs.js';
import { createIngestDeps } from '../../../src/tracking/wiring.js';
import { type LocalEnv, localEnv } from '../../support/local.js';
import { recordingLogger } from '../../support/sns/deps.js';
import { fixture } from '../../support/tracking-fixtures.js';

let env: LocalEnv;
let events: EventStore;
let seq = 0;

function handler(eventsTable?: string) {
  const counts = new Map<string, number>();
  const metrics = {
    addMetric: (n: string, _u: unknown, v: number) => counts.set(n, (counts.get(n) ?? 0) + v),
    singleMetric: () => metrics,
    publishStoredMetrics: () => undefined,
  } as unknown as Pick<Metrics, 'addMetric' | 'singleMetric' | 'publishStoredMetrics'>;
  const ingest = createIngestDeps({
    doc: env.clients.doc,
    tables: { ...env.resources.tables, events: eventsTable ?? env.resources.tables.events },
  });
  const logger = recordingLogger();
  return { run: createSmsStatusHandler({ ingest, logger, metrics }), count: (n: string) => counts.get(n) ?? 0, logger };
}

function logsEvent(entries: unknown[], logGroup = 'sns/us-east-1/123456789012/DirectPublishToPhoneNumber'): CloudWatchLogsEvent {
  return encodeLogsEvent({
    messageType: 'DATA_MESSAGE',
    owner: '123456789012',
    logGroup,
    logStream: `stream-${++seq}`,
    subscriptionFilters: ['mailroom-sms-status'],
    logEvents: entries.map((e, i) => ({
      id: `${seq}-${i}`,
      timestamp: Date.now(),
      message: typeof e === 'string' ? e : JSON.stringify(e),
    })),
  });
}

const entry = (name: 'success' | 'failure' | 'failure-opted-out', messageId: string) => ({
  ...fixture('sns-sms', name),
  notification: { messageId, timestamp: '2024-06-01 10:00:00.000' },
});

beforeAll(async () => {
  env = await localEnv();
  events = new EventStore(env.clients.doc, env.resources.tables.events);
});
afterAll(() => env.clients.destroy());

describe('SMS delivery-status handler', () => {
  it('stores one event per log entry, joined to our message by the SNS MessageId', async () => {
    const messages = new MessageStore(env.clients.doc, env.resources.tables.messages);
    const id = `sms-${++seq}`;
    const pmid = `sns-pm-${seq}-${Date.now()}`;
    await messages.begin({
      id,
      channel: 'sms',
      provider: 'sns',
      recipients: ['+12065550100'],
      now: '2024-06-01T09:59:00.000Z',
      bodySha256: 'h',
      idDerived: false,
    });
    const claim = await messages.claim(id, { now: '2024-06-01T09:59:00.000Z', leaseUntil: '2099-01-01T00:00:00.000Z', receiveCount: 1 });
    if (!claim.claimed) throw new Error('claim failed');
    await messages.markSent(id, claim.token, {
      provider: 'sns',
      providerMessageId: pmid,
      sentAt: '2024-06-01T09:59:01.000Z',
      recipients: { '+12065550100': { status: 'sent' } },
    });
    const foreignId = `sns-foreign-${seq}`;
    const h = handler();

    const outcome = await h.run(logsEvent([entry('success', pmid), entry('failure', foreignId), 'not a delivery log line']));

    expect(outcome).toMatchObject({ stored: 3, unknown: 1 });
    expect((await events.byMessage(id))[0]).toMatchObject({
      eventType: 'delivered',
      channel: 'sms',
      provider: 'sns',
      messageId: id,
      description: expect.stringContaining('0.00645 USD'),
    });
    expect((await events.byMessage(foreignId))[0]).toMatchObject({
      eventType: 'failed',
      mtaResponse: 'Unknown error attempting to reach phone',
    });
    expect((await messages.get(id))?.recipients['+12065550100']?.status).toBe('delivered');
    expect(h.count(TRACKING_METRICS.stored)).toBe(3);
    expect(h.count(TRACKING_METRICS.unknown)).toBe(1);
  });

  it('the same batch delivered again stores nothing new', async () => {
    const batch = logsEvent([entry('failure-opted-out', `sns-again-${++seq}`)]);
    const h = handler();
    await h.run(batch);
    expect(await h.run(batch)).toMatchObject({ stored: 0, duplicates: 1 });
  });

  it('a CloudWatch Logs control message stores nothing', async () => {
    const control = encodeLogsEvent({
      messageType: 'CONTROL_MESSAGE',
      owner: 'CloudwatchLogs',
      logGroup: '',
      logStream: '',
      subscriptionFilters: [],
      logEvents: [{ id: '1', timestamp: 0, message: 'CWL CONTROL MESSAGE: Checking health of destination Lambda function.' }],
    });
    expect(await handler().run(control)).toBeUndefined();
  });

  it('a payload that is not CloudWatch Logs is counted and dropped, not retried', async () => {
    const h = handler();
    await expect(h.run({ awslogs: { data: 'bm90IGd6aXA=' } })).resolves.toBeUndefined();
    expect(h.count(TRACKING_METRICS.invalidLogs)).toBe(1);
  });

  it('a storage failure throws so Lambda retries the batch', async () => {
    const h = handler('no-such-table');
    await expect(h.run(logsEvent([entry('success', `sns-fail-${++seq}`)]))).rejects.toThrow(/event/);
    expect(h.count(TRACKING_METRICS.failed)).toBe(1);
  });
});
