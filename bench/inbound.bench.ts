/**
 * Inbound benchmarks.
 *
 * 1. Messages/s parsing the fixture mix (test/fixtures/mime, CRLF), attachments drained.
 * 2. 1, 10 and 30 MB generated messages, each run in a fresh child process so figures are
 *    independent:
 *    - "parse": generated stream → parseMime → attachments drained (the parser alone);
 *    - "s3": the Lambda's data path minus DynamoDB: GetObject stream from a local s3rver →
 *      parseMime → lib-storage multipart Upload of each attachment back to s3rver;
 *    - "bundle": as "parse", with parseMime as bundled for Lambda (lib/bundling.ts: iconv-lite
 *      tables as side files, encoding-japanese and html-to-text replaced).
 *    Reported: MB/s, and peak RSS growth while ingesting (maxRSS after − maxRSS before, after
 *    a warm-up message loaded every module). Goal: growth < 3× the message size. The absolute
 *    peak (Node + SDK + parser code) is shown beside it.
 *
 * `npx tsx bench/run.ts inbound`. This file is also the child's entry point (`--child`).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { buildLambda } from '../lib/bundling.js';
import { s3AttachmentSink } from '../src/inbound/attachments.js';
import { parseMime as sourceParseMime } from '../src/inbound/parse.js';
import type { AttachmentSink } from '../src/inbound/types.js';
import { largeMessage } from '../test/fixtures/mime/generate.js';
import { MIME_FIXTURES, mimeFixture, streamOf } from '../test/unit/inbound/support.js';
import { type Benchmark, type BenchResult, measure, median } from './harness.js';

const MB = 1024 * 1024;
const SIZES_MB = [1, 10, 30] as const;
const RUNS = 3;
const BUCKET = 'bench-inbound';

const drainingSink: AttachmentSink = {
  async store(meta, content) {
    let size = 0;
    await pipeline(content, new Writable({ write: (c: Buffer, _e, done) => ((size += c.length), done()) }));
    return { s3: { bucket: 'none', key: String(meta.index) }, size };
  },
};

function s3Client(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

interface ChildResult {
  readonly ms: number;
  readonly rssBeforeKb: number;
  readonly peakKb: number;
}

/** Child: one ingestion of one message, then print timings and RSS as JSON. */
async function runChild(mode: string, sizeMb: number, endpoint: string, bundle?: string): Promise<void> {
  const parseMime =
    mode === 'bundle' ? ((await import(pathToFileURL(bundle!).href)) as { parseMime: typeof sourceParseMime }).parseMime : sourceParseMime;
  const s3 = s3Client(endpoint);
  const key = `raw/${sizeMb}mb`;
  const sink = (id: string) => (mode === 's3' ? s3AttachmentSink({ s3, bucket: BUCKET, messageId: id, quarantine: false }) : drainingSink);
  const source = async (k: string) =>
    mode === 's3'
      ? ((await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: k }))).Body as NodeJS.ReadableStream & import('node:stream').Readable)
      : largeMessage(sizeMb * MB);
  // Warm-up: load every module on the path (SDK commands, parser, decoders) before measuring.
  await parseMime(
    mode === 's3' ? await source('raw/warmup') : streamOf(mimeFixture('attachments-nonascii-filenames.eml', 'crlf')),
    sink('warmup'),
  );
  const rssBeforeKb = process.resourceUsage().maxRSS;
  const start = performance.now();
  await parseMime(await source(key), sink(`run-${process.pid}`));
  const ms = performance.now() - start;
  const result: ChildResult = { ms, rssBeforeKb, peakKb: process.resourceUsage().maxRSS };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  s3.destroy();
}

function child(mode: string, sizeMb: number, endpoint: string, bundle: string): Promise<ChildResult> {
  const file = fileURLToPath(import.meta.url);
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', file, '--child', mode, String(sizeMb), endpoint, bundle], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.on('error', reject);
    proc.on('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code === 0 && line.startsWith('{')) resolve(JSON.parse(line) as ChildResult);
      else reject(new Error(`bench child (${mode}, ${sizeMb} MB) exited with ${code}: ${out.slice(-500)}`));
    });
  });
}

async function withLocalS3<T>(fn: (endpoint: string, s3: S3Client) => Promise<T>): Promise<T> {
  const require = createRequire(import.meta.url);
  const S3rver = require('s3rver') as new (opts: object) => { run(): Promise<{ port: number }>; close(): Promise<void> };
  const directory = mkdtempSync(join(tmpdir(), 'mailroom-bench-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: BUCKET }] });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const s3 = s3Client(endpoint);
  try {
    return await fn(endpoint, s3);
  } finally {
    s3.destroy();
    await server.close();
    rmSync(directory, { recursive: true, force: true });
  }
}

const fixtureMix: Benchmark = {
  name: 'inbound: parse the MIME fixture mix (attachments drained)',
  async run() {
    const messages = MIME_FIXTURES.map((f) => mimeFixture(f, 'crlf'));
    let i = 0;
    const result = await measure(
      'messages (mixed fixtures, CRLF)',
      () => sourceParseMime(streamOf(messages[i++ % messages.length]!, 64 * 1024), drainingSink),
      {
        rounds: 15,
        opsPerRound: 100,
      },
    );
    return [{ ...result, figures: { fixtures: messages.length } }];
  },
};

const largeMessages: Benchmark = {
  name: `inbound: 1/10/30 MB messages, ${RUNS} child processes each (medians)`,
  async run() {
    return withLocalS3(async (endpoint, s3) => {
      const warmup = mimeFixture('attachments-nonascii-filenames.eml', 'crlf');
      await new Upload({ client: s3, params: { Bucket: BUCKET, Key: 'raw/warmup', Body: warmup } }).done();
      for (const size of SIZES_MB) {
        await new Upload({
          client: s3,
          params: { Bucket: BUCKET, Key: `raw/${size}mb`, Body: largeMessage(size * MB) },
          queueSize: 1,
        }).done();
      }
      const bundleDir = mkdtempSync(join(tmpdir(), 'mailroom-bench-parse-bundle-'));
      const { file: bundle } = await buildLambda('src/inbound/parse.ts', bundleDir);
      const results: BenchResult[] = [];
      try {
        for (const mode of ['parse', 'bundle', 's3'] as const) {
          for (const size of SIZES_MB) {
            const runs: ChildResult[] = [];
            for (let r = 0; r < RUNS; r++) runs.push(await child(mode, size, endpoint, bundle));
            const ms = median(runs.map((x) => x.ms));
            const growthMb = median(runs.map((x) => (x.peakKb - x.rssBeforeKb) / 1024));
            results.push({
              name: `${mode === 's3' ? 'S3 → parse → S3' : mode === 'bundle' ? 'parse only, Lambda bundle' : 'parse only'}, ${size} MB`,
              medianMs: ms,
              figures: {
                'MB/s': ((size * 1000) / ms).toFixed(1),
                'peak RSS growth MB': growthMb.toFixed(1),
                '× size': (growthMb / size).toFixed(2),
                'peak RSS MB': (median(runs.map((x) => x.peakKb)) / 1024).toFixed(0),
              },
            });
          }
        }
      } finally {
        rmSync(bundleDir, { recursive: true, force: true });
      }
      return results;
    });
  },
};

export const benchmarks: Benchmark[] = [fixtureMix, largeMessages];

if (process.argv[2] === '--child') {
  await runChild(process.argv[3]!, Number(process.argv[4]), process.argv[5]!, process.argv[6]);
}
