/**
 * The verified tracking path per SNS body, next to `JSON.parse` alone of the same body: what
 * the tracking Lambda does with each SES event before storage. Path = accept the body
 * (JSON.parse + zod envelope + topic allowlist + RSA signature check against a cached
 * certificate) → parse the SES event in `Message` → normalize it to Mailroom events. Both
 * the HTTPS body form (function URL) and the Lambda SNS record form (the subscription,
 * where Lambda has already parsed the outer JSON) are measured.
 *
 * Bodies: every SES event fixture (test/fixtures/ses, all event types), each wrapped in an SNS
 * Notification signed with SignatureVersion 2 (SHA256withRSA, what Mailroom's topics use) by
 * the test PKI (test/support/sns: a fresh RSA-2048 certificate, openssl CLI); the verifier
 * fetches the certificate once, then serves it from its cache. No network.
 *
 * Rounds alternate (JSON.parse round, path round, …) so both see the same machine load; the
 * ratio is the median of the per-round ratios. `npx tsx bench/run.ts tracking-path`
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { SNSClient } from '@aws-sdk/client-sns';
import { normalizeSesEvent } from '../src/tracking/normalizers/ses.js';
import {
  acceptSnsHttpBody,
  acceptSnsLambdaRecord,
  type SnsIngestDeps,
  type SnsNotification,
  SnsVerifier,
} from '../src/tracking/sns/index.js';
import { CERT_URL, lambdaRecord, NOW, notification, TOPIC } from '../test/support/sns/envelopes.js';
import { issueCertificate } from '../test/support/sns/pki.js';
import { type Benchmark, type BenchResult, median, percentile } from './harness.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../test/fixtures/ses');
const ROUNDS = 21;
const OPS = 400;

function sesEvents(): string[] {
  return readdirSync(fixtures)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const { _source, _note, ...event } = JSON.parse(readFileSync(join(fixtures, f), 'utf8')) as Record<string, unknown>;
      return JSON.stringify(event);
    });
}

const silent = { info() {}, warn() {}, error() {} };

async function compare(label: string, bodies: readonly string[], path: (i: number) => Promise<unknown>): Promise<BenchResult[]> {
  const parseUs: number[] = [];
  const pathUs: number[] = [];
  const ratios: number[] = [];
  let sink: unknown;
  for (let r = -2; r < ROUNDS; r++) {
    let start = performance.now();
    for (let i = 0; i < OPS; i++) sink = JSON.parse(bodies[i % bodies.length]!);
    const p = ((performance.now() - start) * 1000) / OPS;
    start = performance.now();
    for (let i = 0; i < OPS; i++) sink = await path(i % bodies.length);
    const v = ((performance.now() - start) * 1000) / OPS;
    if (r < 0) continue; // warm-up rounds
    parseUs.push(p);
    pathUs.push(v);
    ratios.push(v / p);
  }
  void sink;
  const bytes = bodies.reduce((n, b) => n + Buffer.byteLength(b), 0) / bodies.length;
  return [
    {
      name: `${label}: JSON.parse alone`,
      medianMs: median(parseUs) / 1000,
      p90Ms: percentile(parseUs, 90) / 1000,
      opsPerSecond: 1e6 / median(parseUs),
      figures: { bodies: bodies.length, 'bytes/body': Math.round(bytes) },
    },
    {
      name: `${label}: verify + parse + normalize`,
      medianMs: median(pathUs) / 1000,
      p90Ms: percentile(pathUs, 90) / 1000,
      opsPerSecond: 1e6 / median(pathUs),
    },
    { name: `${label}: path ÷ JSON.parse`, figures: { 'median ratio': median(ratios).toFixed(1) } },
  ];
}

export const benchmarks: Benchmark[] = [
  {
    name: 'Verified tracking path per SNS body vs JSON.parse alone (one core, certificate cached)',
    async run(): Promise<BenchResult[]> {
      const pki = issueCertificate();
      let fetches = 0;
      const verifier = new SnsVerifier({
        allowedTopicArns: [TOPIC],
        fetchCertificate: async (url) => {
          fetches++;
          if (url !== CERT_URL) throw new Error(`unexpected certificate URL ${url}`);
          return pki.pem;
        },
        now: () => NOW,
      });
      const deps: SnsIngestDeps = { verifier, logger: silent, snsClientForRegion: (region) => new SNSClient({ region }) };
      const envelopes = sesEvents().map((Message) => notification(pki.privateKey, { Message, SignatureVersion: '2' }));
      const bodies = envelopes.map((e) => JSON.stringify(e));
      const records = envelopes.map((e) => lambdaRecord(e));
      const receivedAt = NOW.toISOString();
      const normalize = (envelope: SnsNotification) => normalizeSesEvent(envelope.Message, { receivedAt, provider: 'ses' });
      const http = async (i: number) => {
        const outcome = await acceptSnsHttpBody(bodies[i]!, undefined, deps);
        if (outcome.kind !== 'notification') throw new Error(`body ${i} was not accepted as a notification`);
        return normalize(outcome.envelope);
      };
      const lambda = async (i: number) => normalize(await acceptSnsLambdaRecord(records[i]!, deps));
      let events = 0;
      for (let i = 0; i < bodies.length; i++) events += (await http(i)).length;
      const results = [
        ...(await compare('HTTPS body (function URL)', bodies, http)),
        ...(await compare('Lambda SNS record (subscription)', bodies, lambda)),
        { name: 'events per body (mix)', figures: { 'events/body': (events / bodies.length).toFixed(2) } },
      ];
      if (fetches !== 1) throw new Error(`the certificate was fetched ${fetches} times; the cache should fetch it once`);
      return results;
    },
  },
];
