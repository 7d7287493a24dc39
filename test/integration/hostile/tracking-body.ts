/**
 * Entry points "SNS tracking body", over both paths SNS takes: the SNS → Lambda subscription
 * (SNSEvent records) and HTTPS (a function URL POST of the SNS JSON body). The real tracking
 * handler, the real SNS verifier (signatures from the suite's test certificate), the real
 * stores on DynamoDB Local and S3. Inputs are documented SES events made hostile (tags and
 * X-Metadata keyed by prototype names, hostile text, wrong types), signed as SNS would sign
 * them, or forged after signing.
 */

import type { KeyObject } from 'node:crypto';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { LambdaFunctionURLEvent, SNSEvent } from 'aws-lambda';
import fc from 'fast-check';
import { createTrackingHandler, type UrlResult } from '../../../src/handlers/tracking.js';
import { TRACKING_METRICS } from '../../../src/handlers/tracking-metrics.js';
import { MESSAGE_ID_TAG } from '../../../src/providers/email/ses-tags.js';
import { EventStore } from '../../../src/store/events.js';
import { unpackRaw } from '../../../src/store/raw-codec.js';
import { SNS_REFUSED_METRIC, SnsVerifier } from '../../../src/tracking/sns/index.js';
import { createIngestDeps } from '../../../src/tracking/wiring.js';
import { hostileJson, hostileKey, hostileRecord, hostileText, scalar, wrongType } from '../../support/hostile/arbitraries.js';
import type { Evidence } from '../../support/hostile/invariant.js';
import type { LocalEnv } from '../../support/local.js';
import { recordingLogger } from '../../support/sns/deps.js';
import { CERT_URL, type Fields, lambdaRecord, NOW, notification, TOPIC } from '../../support/sns/envelopes.js';
import { fixture, fixtureNames } from '../../support/tracking-fixtures.js';
import type { EntryPoint } from './entry-point.js';

export type TrackingPath = 'sns-subscription' | 'https';

export interface TrackingInput {
  readonly fixtureName: string;
  /** SES message tags (name → values), keyed by hostile names. */
  readonly sesTags: Record<string, unknown>;
  /** The X-Metadata header's JSON object. */
  readonly xMetadata: Record<string, unknown>;
  readonly xTags: readonly string[];
  /** One field of the SES event replaced by a hostile value, if any. */
  readonly mutation?: { readonly path: readonly string[]; readonly value: unknown };
  /** Change the body after signing (a forgery): the verifier must refuse it. */
  readonly forged: boolean;
}

const names = fixtureNames('ses').filter((n) => n.startsWith('event-'));

export const trackingArbitrary: fc.Arbitrary<TrackingInput> = fc.record({
  fixtureName: fc.constantFrom(...names),
  sesTags: fc.dictionary(
    hostileKey,
    fc.oneof({ weight: 4, arbitrary: fc.array(hostileText(12), { minLength: 1, maxLength: 2 }) }, { weight: 1, arbitrary: wrongType }),
    { maxKeys: 4 },
  ),
  xMetadata: hostileRecord(fc.oneof({ weight: 4, arbitrary: scalar }, { weight: 1, arbitrary: hostileJson })),
  xTags: fc.array(hostileText(10), { maxLength: 3 }),
  mutation: fc.option(
    fc.record({
      path: fc.constantFrom(
        ['eventType'],
        ['mail'],
        ['mail', 'destination'],
        ['mail', 'headers'],
        ['mail', 'timestamp'],
        ['bounce'],
        ['delivery', 'recipients'],
        ['click', 'link'],
      ),
      value: fc.oneof(wrongType, hostileJson, hostileText(20)),
    }),
    { nil: undefined, freq: 3 },
  ),
  forged: fc.nat(9).map((n) => n === 0),
});

let runs = 0;

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
  return { metrics, counts };
}

function sesEvent(input: TrackingInput, sesId: string): Record<string, unknown> {
  const raw = fixture('ses', input.fixtureName);
  // A field of our own at the top: the stored raw payload keeps it, so every event this input
  // produced is found, even one whose mail object (and message id) the mutation destroyed.
  raw['hostileRun'] = sesId;
  raw['mail']['messageId'] = sesId;
  raw['mail']['tags'] = { ...raw['mail']['tags'], ...input.sesTags };
  raw['mail']['headers'] = [
    ...(raw['mail']['headers'] ?? []),
    { name: 'X-Metadata', value: JSON.stringify(input.xMetadata) },
    ...input.xTags.map((t) => ({ name: 'X-Tag', value: t })),
  ];
  if (input.mutation) {
    let target = raw as Record<string, unknown>;
    const path = input.mutation.path;
    for (const key of path.slice(0, -1)) target = (target[key] ??= {}) as Record<string, unknown>;
    Object.defineProperty(target, path[path.length - 1]!, {
      value: input.mutation.value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return raw;
}

interface TrackingSeen {
  readonly sesId: string;
  readonly threw?: unknown;
  readonly status?: number;
  readonly counts: Map<string, number>;
  readonly logged: number;
  readonly stored: NonNullable<Awaited<ReturnType<EventStore['get']>>>[];
}

export function trackingEntryPoint(
  path: TrackingPath,
  env: LocalEnv,
  signing: { privateKey: KeyObject; pem: string },
): EntryPoint<TrackingInput, TrackingSeen> {
  const events = new EventStore(env.clients.doc, env.resources.tables.events);
  const ingest = createIngestDeps({
    doc: env.clients.doc,
    tables: env.resources.tables,
    payload: { s3: env.clients.s3, bucket: env.resources.buckets.payload },
  });
  const verifier = new SnsVerifier({
    allowedTopicArns: [TOPIC],
    fetchCertificate: async (url) => (url === CERT_URL ? signing.pem : Promise.reject(new Error(url))),
    now: () => NOW,
  });
  // `raw` is stored compressed (src/store/raw-codec.ts), so DynamoDB cannot match the marker
  // in it: read every item's raw and look for it here.
  const storedFor = async (marker: string) => {
    const needle = `"hostileRun":"${marker}`;
    const ids: string[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await env.clients.doc.send(
        new ScanCommand({
          TableName: env.resources.tables.events,
          ProjectionExpression: 'eventId, #raw',
          ExpressionAttributeNames: { '#raw': 'raw' },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out.Items ?? []) {
        const raw = item['raw'] as Uint8Array | string | undefined;
        const text = raw === undefined ? '' : typeof raw === 'string' ? raw : unpackRaw(raw);
        if (text.includes(needle)) ids.push(String(item['eventId']));
      }
      start = out.LastEvaluatedKey;
    } while (start);
    const found = await Promise.all(ids.map((id) => events.get(id)));
    return found.filter((e) => e !== undefined);
  };
  return {
    name: `SNS tracking body (${path})`,
    arbitrary: trackingArbitrary,
    async run(input) {
      const sesId = `hostile-${process.pid}-${++runs}`;
      const fields: Fields = notification(signing.privateKey, {
        MessageId: `sns-${sesId}`,
        Message: JSON.stringify(sesEvent(input, sesId)),
      });
      if (input.forged) fields['Message'] = fields['Message']!.replace(sesId, `${sesId}x`);
      const { metrics, counts } = recordingMetrics();
      const logger = recordingLogger();
      const handler = createTrackingHandler({
        sns: { verifier, logger, metrics, snsClientForRegion: () => env.clients.sns },
        ingest,
        logger,
        metrics,
      });
      let threw: unknown;
      let status: number | undefined;
      try {
        if (path === 'https') status = ((await handler(urlEvent(fields))) as UrlResult).statusCode;
        else await handler({ Records: [lambdaRecord(fields)] } as SNSEvent);
      } catch (error) {
        threw = error;
      }
      const stored = await storedFor(sesId);
      return { sesId, threw, status, counts, logged: logger.entries.filter((e) => e.level !== 'info').length, stored };
    },
    classify(input, seen): Evidence {
      if (seen.threw !== undefined) return { stored: [], deadLettered: [], refused: [], unclassified: seen.threw };
      if (seen.status !== undefined && seen.status >= 500)
        return { stored: [], deadLettered: [], refused: [], unclassified: new Error(`HTTP ${seen.status}`) };
      const refusals = [...seen.counts.entries()].filter(([name]) => name.startsWith(`${SNS_REFUSED_METRIC}:`));
      const refused = refusals.map(([name]) => ({ logged: seen.logged > 0, counted: true, reason: name.split(':')[1]! }));
      const storedCount = seen.counts.get(TRACKING_METRICS.stored) ?? 0;
      if (storedCount !== seen.stored.length)
        return {
          stored: [],
          deadLettered: [],
          refused: [],
          unclassified: new Error(`counted ${storedCount} stored events, found ${seen.stored.length}`),
        };
      const ignored = (seen.counts.get(TRACKING_METRICS.ignored) ?? 0) > 0;
      if (ignored) refused.push({ logged: true, counted: true, reason: 'ignored' });
      if (seen.stored.length) assertMetadataKept(input, seen.stored);
      // A duplicate (the same provider event, e.g. the same bounce feedback id, already stored)
      // ends in the record an earlier delivery made: stored, once.
      const duplicates = seen.counts.get(TRACKING_METRICS.duplicate) ?? 0;
      const stored = [...seen.stored.map((e) => e.eventId), ...(duplicates ? [`${duplicates} duplicate(s)`] : [])];
      return { stored, deadLettered: [], refused };
    },
  };
}

/** X-Metadata scalars (and SES tags it does not name) reach every stored event, keys and values unchanged. */
function assertMetadataKept(input: TrackingInput, stored: TrackingSeen['stored']): void {
  if (input.mutation && input.mutation.path[0] === 'mail') return; // the mail object itself was replaced
  const expected = new Map<string, unknown>();
  for (const key of Object.keys(input.sesTags)) {
    const values = input.sesTags[key];
    if (Array.isArray(values) && typeof values[0] === 'string' && !key.startsWith('ses:') && key !== MESSAGE_ID_TAG)
      expected.set(key, values[0]);
  }
  for (const key of Object.keys(input.xMetadata)) {
    const v = input.xMetadata[key];
    // Scalars, numbers only where DynamoDB and JavaScript both keep them exactly.
    const storable = typeof v === 'number' && Math.abs(v) <= Number.MAX_SAFE_INTEGER && (v === 0 || Math.abs(v) >= 1e-130);
    if (typeof v === 'string' || typeof v === 'boolean' || storable) expected.set(key, v);
  }
  for (const event of stored) {
    if (event.eventType === 'unknown') continue;
    for (const [key, value] of expected) {
      const got = event.metadata ? (event.metadata as Record<string, unknown>)[key] : undefined;
      const own = event.metadata !== undefined && Object.hasOwn(event.metadata, key);
      if (!own || got !== value)
        throw new Error(
          `event ${event.eventType}: metadata ${JSON.stringify(key)} sent ${JSON.stringify(value)}, stored ${JSON.stringify(got)}`,
        );
    }
  }
}

function urlEvent(fields: Fields): LambdaFunctionURLEvent {
  return {
    version: '2.0',
    rawPath: '/',
    rawQueryString: '',
    headers: {
      'content-type': 'text/plain; charset=UTF-8',
      'x-amz-sns-message-type': fields['Type']!,
      'x-amz-sns-message-id': fields['MessageId']!,
      'x-amz-sns-topic-arn': fields['TopicArn']!,
    },
    requestContext: {
      http: {
        method: 'POST',
        path: '/',
        protocol: 'HTTP/1.1',
        sourceIp: '192.0.2.1',
        userAgent: 'Amazon Simple Notification Service Agent',
      },
    },
    body: JSON.stringify(fields),
    isBase64Encoded: false,
  } as unknown as LambdaFunctionURLEvent;
}
