/**
 * One allowlist per purpose (issue 8, item 4): the HTTPS entry accepts SES receipt
 * notifications only from inbound's topics and tracking events only from tracking's, with
 * real signatures (test PKI) and the real verifier; the stores behind must never be reached
 * by a refused notification.
 */
import { readFileSync } from 'node:fs';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { receiptRouter } from '../../../src/handlers/receipt-router.js';
import { createTrackingHandler, type TrackingHandlerDeps } from '../../../src/handlers/tracking.js';
import type { IngestDeps as InboundIngestDeps } from '../../../src/inbound/types.js';
import type { IngestDeps } from '../../../src/tracking/deps.js';
import { allTopics, SnsVerifier, type TopicAllowlists } from '../../../src/tracking/sns/index.js';
import { certificateServer, recordingLogger } from '../../support/sns/deps.js';
import { CERT_URL, NOW, notification, OTHER_TOPIC, TOPIC } from '../../support/sns/envelopes.js';
import { issueCertificate, type TestSigningCert } from '../../support/sns/pki.js';
import { fixture } from '../../support/tracking-fixtures.js';

const RECEIPT_TOPIC = 'arn:aws:sns:eu-west-1:111122223333:mailroom-inbound';
const TOPICS: TopicAllowlists = { tracking: [TOPIC, OTHER_TOPIC], inbound: [RECEIPT_TOPIC] };

let cert: TestSigningCert;
beforeAll(() => {
  cert = issueCertificate();
});

function setup() {
  const logger = recordingLogger();
  const refused: string[] = [];
  const single = { addDimension: (_n: string, v: string) => (refused.push(v), single), addMetric: () => single };
  const metrics = { addMetric: vi.fn(), singleMetric: () => single, publishStoredMetrics: vi.fn() } as unknown as Pick<
    Metrics,
    'addMetric' | 'singleMetric' | 'publishStoredMetrics'
  >;
  // Any store call fails the test: a refused notification must reach none.
  const untouchable = () => {
    throw new Error('a refused notification reached a store');
  };
  const eventsPut = vi.fn(untouchable);
  const ingest = {
    events: { put: eventsPut, has: untouchable },
    messages: { get: untouchable, getByProviderMessageId: untouchable },
    progress: { advance: untouchable },
    suppressions: { add: untouchable },
    suppressOn: [],
  } as unknown as IngestDeps;
  const inboundGet = vi.fn(untouchable);
  const inbound = {
    s3: { send: inboundGet },
    store: { get: inboundGet, put: inboundGet },
    bucket: 'b',
    maxBytes: 1024,
    clock: () => new Date(),
    logger,
  } as unknown as InboundIngestDeps;
  const verifier = new SnsVerifier({
    allowedTopicArns: allTopics(TOPICS),
    fetchCertificate: certificateServer({ [CERT_URL]: cert.pem }),
    now: () => NOW,
  });
  const sns = { verifier, logger, metrics, snsClientForRegion: untouchable as never };
  const base = { sns, ingest, logger, metrics } as TrackingHandlerDeps;
  const handler = createTrackingHandler({ ...base, route: receiptRouter(inbound, base, TOPICS) });
  return { handler, refused, eventsPut, inboundGet };
}

const post = (body: string): LambdaFunctionURLEvent =>
  ({ requestContext: { http: { method: 'POST' } }, headers: {}, body, isBase64Encoded: false }) as unknown as LambdaFunctionURLEvent;

function receiptNotification(topicArn: string): string {
  const { _source, ...receipt } = JSON.parse(
    readFileSync(new URL('../../fixtures/ses-inbound/sns-action-utf8.json', import.meta.url), 'utf8'),
  ) as Record<string, unknown>;
  return JSON.stringify(
    notification(cert.privateKey, { TopicArn: topicArn, MessageId: `sns-receipt-${topicArn.length}`, Message: JSON.stringify(receipt) }),
  );
}

function sesEvent(topicArn: string): string {
  return JSON.stringify(
    notification(cert.privateKey, {
      TopicArn: topicArn,
      MessageId: 'sns-delivery',
      Message: JSON.stringify(fixture('ses', 'event-delivery')),
    }),
  );
}

describe('tracking HTTPS entry: one allowlist per purpose', () => {
  it('the inbound route refuses a receipt notification from a tracking-only topic', async () => {
    // Prepare
    const { handler, refused, inboundGet, eventsPut } = setup();

    // Act
    const response = await handler(post(receiptNotification(OTHER_TOPIC)));

    // Assess
    expect(response.statusCode).toBe(403);
    expect(JSON.parse(response.body!)).toEqual({ status: 'refused', reason: 'topic_not_allowed' });
    expect(refused).toEqual(['topic_not_allowed']);
    expect(inboundGet).not.toHaveBeenCalled();
    expect(eventsPut).not.toHaveBeenCalled();
  });

  it('the tracking route refuses a tracking event from an inbound-only topic', async () => {
    // Prepare
    const { handler, refused, eventsPut } = setup();

    // Act
    const response = await handler(post(sesEvent(RECEIPT_TOPIC)));

    // Assess
    expect(response.statusCode).toBe(403);
    expect(refused).toEqual(['topic_not_allowed']);
    expect(eventsPut).not.toHaveBeenCalled();
  });

  it('refuses receipt notifications from every topic when this function has no inbound wiring', async () => {
    // Prepare
    const refused: string[] = [];
    const logger = recordingLogger();
    const single = { addDimension: (_n: string, v: string) => (refused.push(v), single), addMetric: () => single };
    const metrics = {
      addMetric: vi.fn(),
      singleMetric: () => single,
      publishStoredMetrics: vi.fn(),
    } as unknown as TrackingHandlerDeps['metrics'];
    const verifier = new SnsVerifier({
      allowedTopicArns: allTopics(TOPICS),
      fetchCertificate: certificateServer({ [CERT_URL]: cert.pem }),
      now: () => NOW,
    });
    const base = { sns: { verifier, logger, metrics, snsClientForRegion: vi.fn() as never }, ingest: {} as IngestDeps, logger, metrics };
    const handler = createTrackingHandler({ ...base, route: receiptRouter(undefined, base, TOPICS) });

    // Act
    const response = await handler(post(receiptNotification(RECEIPT_TOPIC)));

    // Assess
    expect(response.statusCode).toBe(403);
    expect(refused).toEqual(['topic_not_allowed']);
  });
});
