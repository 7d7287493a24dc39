/**
 * The tracking Lambda handler as Lambda runs it, against the local servers: SNS → Lambda
 * records and function URL POSTs, signed with a test certificate issued in the test (the SNS
 * module's test PKI), verified for real, stored in DynamoDB Local.
 */
import { readFileSync } from 'node:fs';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { LambdaFunctionURLEvent, SNSEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { receiptRouter } from '../../../src/handlers/receipt-router.js';
import { createTrackingHandler, type TrackingHandlerDeps } from '../../../src/handlers/tracking.js';
import { TRACKING_METRICS } from '../../../src/handlers/tracking-metrics.js';
import { EventStore } from '../../../src/store/events.js';
import { InboundStore } from '../../../src/store/inbound.js';
import { SNS_REFUSED_METRIC, SnsVerifier } from '../../../src/tracking/sns/index.js';
import { createIngestDeps } from '../../../src/tracking/wiring.js';
import { type LocalEnv, localEnv } from '../../support/local.js';
import { recordingLogger } from '../../support/sns/deps.js';
import { CERT_URL, confirmation, type Fields, lambdaRecord, NOW, notification, OTHER_TOPIC, TOPIC } from '../../support/sns/envelopes.js';
import { issueCertificate, type TestSigningCert } from '../../support/sns/pki.js';
import { fixture } from '../../support/tracking-fixtures.js';

/** Counts what the handler and the SNS module emit, by metric name (and refusal reason). */
function recordingMetrics() {
  const counts = new Map<string, number>();
  const add = (name: string, _unit: unknown, value: number) => counts.set(name, (counts.get(name) ?? 0) + value);
  let dimension = '';
  const single = {
    addDimension: (_n: string, v: string) => ((dimension = v), single),
    addMetric: (n: string, u: unknown, v: number) => add(`${n}:${dimension}`, u, v),
  };
  const metrics = { addMetric: add, singleMetric: () => single, publishStoredMetrics: () => undefined } as unknown as Pick<
    Metrics,
    'addMetric' | 'singleMetric' | 'publishStoredMetrics'
  >;
  return { metrics, count: (name: string) => counts.get(name) ?? 0 };
}

let env: LocalEnv;
let cert: TestSigningCert;
let events: EventStore;
let seq = 0;
let recorded: ReturnType<typeof recordingMetrics>;
let logger: ReturnType<typeof recordingLogger>;

function deps(overrides: { eventsTable?: string; inbound?: boolean } = {}): TrackingHandlerDeps {
  const ingest = createIngestDeps({
    doc: env.clients.doc,
    tables: { ...env.resources.tables, events: overrides.eventsTable ?? env.resources.tables.events },
    payload: { s3: env.clients.s3, bucket: env.resources.buckets.payload },
  });
  const verifier = new SnsVerifier({
    allowedTopicArns: [TOPIC],
    fetchCertificate: async (url) => (url === CERT_URL ? cert.pem : Promise.reject(new Error(url))),
    now: () => NOW,
  });
  const inbound = overrides.inbound
    ? {
        s3: env.clients.s3,
        store: new InboundStore(env.clients.doc, env.resources.tables.inbound),
        bucket: env.resources.buckets.inbound,
        maxBytes: 10 * 1024 * 1024,
        clock: () => new Date(),
        logger,
      }
    : undefined;
  const base = {
    sns: { verifier, logger, metrics: recorded.metrics, snsClientForRegion: () => env.clients.sns },
    ingest,
    logger,
    metrics: recorded.metrics,
  };
  // The HTTPS entry's route (lambdas/tracking/https.ts): receipt notifications to inbound.
  return inbound ? { ...base, route: receiptRouter(inbound, base, { tracking: [TOPIC], inbound: [TOPIC] }) } : base;
}

/** A signed notification whose Message is a documented SES event about a fresh SES message id. */
function sesNotification(name = 'event-delivery', extra: Fields = {}): { fields: Fields; sesId: string } {
  const raw = fixture('ses', name);
  const sesId = `handler-${++seq}-${Date.now()}`;
  raw['mail']['messageId'] = sesId;
  return { fields: notification(cert.privateKey, { MessageId: `sns-${sesId}`, Message: JSON.stringify(raw), ...extra }), sesId };
}

const snsEvent = (...fields: Fields[]): SNSEvent => ({ Records: fields.map(lambdaRecord) });
const urlEvent = (body: string, headers: Record<string, string> = {}, method = 'POST'): LambdaFunctionURLEvent =>
  ({
    version: '2.0',
    rawPath: '/',
    rawQueryString: '',
    headers: { 'content-type': 'text/plain; charset=UTF-8', ...headers },
    requestContext: {
      http: { method, path: '/', protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'Amazon Simple Notification Service Agent' },
    },
    body,
    isBase64Encoded: false,
  }) as unknown as LambdaFunctionURLEvent;
const snsHeaders = (f: Fields) => ({
  'x-amz-sns-message-type': f['Type']!,
  'x-amz-sns-message-id': f['MessageId']!,
  'x-amz-sns-topic-arn': f['TopicArn']!,
});

beforeAll(async () => {
  env = await localEnv();
  cert = issueCertificate();
  events = new EventStore(env.clients.doc, env.resources.tables.events);
});
beforeEach(() => {
  recorded = recordingMetrics();
  logger = recordingLogger();
});
afterAll(() => env.clients.destroy());

describe('SNS → Lambda subscription', () => {
  it('verifies each record and stores its SES events', async () => {
    const a = sesNotification('event-delivery');
    const b = sesNotification('event-bounce-permanent-general');
    await createTrackingHandler(deps())(snsEvent(a.fields, b.fields));
    expect((await events.byMessage(a.sesId)).map((e) => e.eventType)).toEqual(['delivered']);
    expect((await events.byMessage(b.sesId)).map((e) => e.eventType)).toEqual(['bounced']);
    expect(recorded.count(TRACKING_METRICS.stored)).toBe(2);
    expect(recorded.count(TRACKING_METRICS.suppressed)).toBe(1);
  });

  it('a redelivered record is a duplicate: counted, not stored twice', async () => {
    const a = sesNotification('event-open');
    const handler = createTrackingHandler(deps());
    await handler(snsEvent(a.fields));
    await handler(snsEvent(a.fields));
    expect(await events.byMessage(a.sesId)).toHaveLength(1);
    expect(recorded.count(TRACKING_METRICS.duplicate)).toBe(1);
  });

  it('refusals (tampered message, topic not on the allowlist) are counted, stored nowhere, and not retried', async () => {
    const tampered = sesNotification('event-delivery');
    tampered.fields['Message'] = tampered.fields['Message']!.replace('recipient@example.com', 'attacker@example.com');
    const foreign = sesNotification('event-delivery', { TopicArn: OTHER_TOPIC });
    const genuine = sesNotification('event-send');
    // Resolves (no throw): a throw would make Lambda and SNS retry a message that can never pass.
    await expect(createTrackingHandler(deps())(snsEvent(tampered.fields, foreign.fields, genuine.fields))).resolves.toBeUndefined();
    expect(await events.byMessage(tampered.sesId)).toEqual([]);
    expect(await events.byMessage(foreign.sesId)).toEqual([]);
    expect(await events.byMessage(genuine.sesId)).toHaveLength(1);
    expect(recorded.count(`${SNS_REFUSED_METRIC}:bad_signature`)).toBe(1);
    expect(recorded.count(`${SNS_REFUSED_METRIC}:topic_not_allowed`)).toBe(1);
  });

  it('a storage failure fails the invocation so Lambda retries, after processing the other records', async () => {
    const a = sesNotification('event-delivery');
    const handler = createTrackingHandler(deps({ eventsTable: 'no-such-table' }));
    await expect(handler(snsEvent(a.fields, sesNotification().fields))).rejects.toThrow(/PutItem event|GetItem event/);
    expect(recorded.count(TRACKING_METRICS.failed)).toBe(2);
    expect(logger.entries.some((e) => e.level === 'error' && e.message.includes('retried'))).toBe(true);
  });
});

describe('function URL (SNS over HTTPS)', () => {
  it('a genuine notification → 200 accepted and stored', async () => {
    const a = sesNotification('event-complaint-abuse');
    const res = await createTrackingHandler(deps())(urlEvent(JSON.stringify(a.fields), snsHeaders(a.fields)));
    expect(res).toMatchObject({ statusCode: 200, body: JSON.stringify({ status: 'accepted' }) });
    expect((await events.byMessage(a.sesId))[0]).toMatchObject({ eventType: 'complained', rejectReason: 'spam' });
  });

  it('a base64-encoded body is decoded', async () => {
    const a = sesNotification('event-send');
    const event = { ...urlEvent(Buffer.from(JSON.stringify(a.fields)).toString('base64'), snsHeaders(a.fields)), isBase64Encoded: true };
    expect(await createTrackingHandler(deps())(event)).toMatchObject({ statusCode: 200 });
    expect(await events.byMessage(a.sesId)).toHaveLength(1);
  });

  it('refusals answer 403 (forged) or 400 (not SNS) and store nothing', async () => {
    const handler = createTrackingHandler(deps());
    const forged = sesNotification('event-delivery');
    forged.fields['Signature'] = Buffer.alloc(256, 1).toString('base64');
    expect(await handler(urlEvent(JSON.stringify(forged.fields)))).toMatchObject({
      statusCode: 403,
      body: expect.stringContaining('bad_signature'),
    });
    expect(await handler(urlEvent('{"hello": "world"}'))).toMatchObject({ statusCode: 400 });
    expect(await handler(urlEvent('not json'))).toMatchObject({ statusCode: 400 });
    expect(await events.byMessage(forged.sesId)).toEqual([]);
  });

  it('an UnsubscribeConfirmation is verified and logged (200)', async () => {
    const f = confirmation(cert.privateKey, 'UnsubscribeConfirmation');
    expect(await createTrackingHandler(deps())(urlEvent(JSON.stringify(f), snsHeaders(f)))).toMatchObject({
      statusCode: 200,
      body: JSON.stringify({ status: 'logged' }),
    });
  });

  it('a storage failure answers 500 so SNS redelivers', async () => {
    const a = sesNotification('event-delivery');
    const res = await createTrackingHandler(deps({ eventsTable: 'no-such-table' }))(
      urlEvent(JSON.stringify(a.fields), snsHeaders(a.fields)),
    );
    expect(res).toMatchObject({ statusCode: 500, body: JSON.stringify({ status: 'error' }) });
  });

  it('anything but POST → 405', async () => {
    expect(await createTrackingHandler(deps())(urlEvent('', {}, 'GET'))).toMatchObject({ statusCode: 405 });
  });

  it('an SES receipt notification goes to the inbound pipeline when it is configured, else becomes an unknown tracking event', async () => {
    const { _source, ...receipt } = JSON.parse(
      readFileSync(new URL('../../fixtures/ses-inbound/sns-action-utf8.json', import.meta.url), 'utf8'),
    ) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const inboundId = `handler-inbound-${++seq}`;
    receipt['mail']['messageId'] = inboundId;
    const f = notification(cert.privateKey, { MessageId: `sns-${inboundId}`, Message: JSON.stringify(receipt) });
    expect(await createTrackingHandler(deps({ inbound: true }))(urlEvent(JSON.stringify(f), snsHeaders(f)))).toMatchObject({
      statusCode: 200,
    });
    expect(await new InboundStore(env.clients.doc, env.resources.tables.inbound).get(inboundId)).toMatchObject({ id: inboundId });
    expect(recorded.count(TRACKING_METRICS.inbound)).toBe(1);

    await createTrackingHandler(deps())(urlEvent(JSON.stringify(f), snsHeaders(f)));
    expect((await events.byMessage(inboundId))[0]).toMatchObject({ eventType: 'unknown', description: expect.stringContaining('inbound') });
  });
});
