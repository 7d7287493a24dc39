/**
 * Tracking normalization throughput, one core: the SES normalizer over a mix of every SES
 * event type and subtype in both formats (the fixtures in test/fixtures/ses, as the SNS
 * Message strings SES publishes), against the cost of JSON.parse alone on the same bodies.
 * Normalization is measured on pre-parsed objects (parse excluded), so the two figures add
 * up to the work a real notification costs before storage. The SNS SMS normalizer is
 * measured the same way on the SMS log fixtures.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { normalizeSesEvent } from '../src/tracking/normalizers/ses.js';
import { normalizeSnsSmsEvent } from '../src/tracking/normalizers/sns-sms.js';
import { type Benchmark, type BenchResult, median, percentile } from './harness.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../test/fixtures');

/** The fixture bodies as SNS would carry them (JSON text, no `_source`/`_note`). */
function bodies(provider: 'ses' | 'sns-sms'): string[] {
  return readdirSync(join(fixtures, provider))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const { _source, _note, ...event } = JSON.parse(readFileSync(join(fixtures, provider, f), 'utf8')) as Record<string, unknown>;
      return JSON.stringify(event);
    });
}

/**
 * Parse and normalize timed in alternating rounds (parse round, normalize round, …) so both
 * see the same machine load; the ratio is the median of the per-round ratios.
 */
function compare(label: string, texts: readonly string[], normalize: (raw: unknown) => readonly unknown[]): BenchResult[] {
  const parsed = texts.map((t) => JSON.parse(t) as unknown);
  const eventsPerBody = parsed.reduce<number>((n, p) => n + normalize(p).length, 0) / parsed.length;
  const bytesPerBody = texts.reduce((n, t) => n + Buffer.byteLength(t), 0) / texts.length;
  const rounds = 25;
  const ops = 20_000;
  const parseUs: number[] = [];
  const normUs: number[] = [];
  const ratios: number[] = [];
  let sink: unknown;
  for (let r = -2; r < rounds; r++) {
    let start = performance.now();
    for (let i = 0; i < ops; i++) sink = JSON.parse(texts[i % texts.length]!);
    const p = ((performance.now() - start) * 1000) / ops;
    start = performance.now();
    for (let i = 0; i < ops; i++) sink = normalize(parsed[i % parsed.length]);
    const n = ((performance.now() - start) * 1000) / ops;
    if (r < 0) continue; // warm-up rounds
    parseUs.push(p);
    normUs.push(n);
    ratios.push(n / p);
  }
  void sink;
  const parseMs = median(parseUs) / 1000;
  const normMs = median(normUs) / 1000;
  return [
    {
      name: `${label}: JSON.parse alone`,
      medianMs: parseMs,
      p90Ms: percentile(parseUs, 90) / 1000,
      opsPerSecond: 1000 / parseMs,
      figures: { 'bodies in mix': texts.length, 'bytes/body': Math.round(bytesPerBody) },
    },
    {
      name: `${label}: normalize (parse excluded)`,
      medianMs: normMs,
      p90Ms: percentile(normUs, 90) / 1000,
      opsPerSecond: 1000 / normMs,
      figures: { 'events/s': Math.round((1000 / normMs) * eventsPerBody).toLocaleString('en-US'), 'events/body': eventsPerBody.toFixed(2) },
    },
    {
      name: `${label}: normalize ÷ JSON.parse`,
      figures: { 'median ratio': median(ratios).toFixed(2), goal: '< 1 (normalizing costs less than parsing)' },
    },
  ];
}

const receivedAt = new Date().toISOString();

export const benchmarks: Benchmark[] = [
  {
    name: 'Tracking normalization (one core)',
    async run() {
      return [
        ...compare('SES mix (all event types/subtypes, both formats)', bodies('ses'), (raw) =>
          normalizeSesEvent(raw, { receivedAt, provider: 'ses' }),
        ),
        ...compare('SNS SMS delivery logs', bodies('sns-sms'), (raw) => normalizeSnsSmsEvent(raw, { receivedAt, provider: 'sns' })),
      ];
    },
  },
];
