/** Helpers for the inbound unit tests: fixtures, and an attachment sink that keeps what it was given. */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { AttachmentMeta, AttachmentSink, StoredAttachment } from '../../../src/inbound/types.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures');

export const MIME_FIXTURES = readdirSync(join(fixtures, 'mime'))
  .filter((f) => f.endsWith('.eml'))
  .sort();

export function mimeFixture(name: string, lineEnding: 'lf' | 'crlf' = 'lf'): Buffer {
  const raw = readFileSync(join(fixtures, 'mime', name));
  return lineEnding === 'lf' ? raw : Buffer.from(raw.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
}

export function sesFixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(fixtures, 'ses-inbound', name), 'utf8')) as Record<string, unknown>;
}

export function streamOf(bytes: Buffer, chunkSize = 1024): Readable {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.subarray(i, i + chunkSize));
  return Readable.from(chunks, { objectMode: false });
}

export interface Captured {
  readonly meta: AttachmentMeta;
  readonly content: Buffer;
}

/** Keeps every attachment in memory and answers with a synthetic location. */
export function capturingSink(): AttachmentSink & { readonly captured: Captured[] } {
  const captured: Captured[] = [];
  return {
    captured,
    async store(meta: AttachmentMeta, content: Readable): Promise<StoredAttachment> {
      const chunks: Buffer[] = [];
      for await (const chunk of content) chunks.push(chunk as Buffer);
      const buffer = Buffer.concat(chunks);
      captured.push({ meta, content: buffer });
      return { s3: { bucket: 'test-bucket', key: `attachments/test/${meta.index}` }, size: buffer.length };
    },
  };
}

export const RECEIPT_TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:mailroom-inbound';

/** A Lambda SNS event record as SNS delivers it (signature not genuine: use a verifier with skipSignatureCheck, or expect a refusal). */
export function snsLambdaRecord(message: unknown, opts: { topicArn?: string; timestamp?: Date } = {}) {
  const topicArn = opts.topicArn ?? RECEIPT_TOPIC_ARN;
  return {
    EventSource: 'aws:sns',
    EventVersion: '1.0',
    EventSubscriptionArn: `${topicArn}:2bcfbf39-05c3-41de-beaa-fcfcc21c8f55`,
    Sns: {
      Type: 'Notification',
      MessageId: '95df01b4-ee98-5cb9-9903-4c221d41eb5e',
      TopicArn: topicArn,
      Subject: null,
      Message: typeof message === 'string' ? message : JSON.stringify(message),
      Timestamp: (opts.timestamp ?? new Date()).toISOString(),
      SignatureVersion: '1',
      Signature:
        'EXAMPLEpH+DcEwjAPg8O9mY8dReBSwksfg2S7WKQcikcNKWLQjwu6A4VbeS0QHVCkhRS7fUQvi2egU3N858fiTDN6bkkOxYDVrY0Ad8L10Hs3zH81mtnPk5uvvolIC1CXGu43obcgFxeL3khZl8IKvO61GWB6jI9b5+gLPoBc1Q=',
      SigningCertUrl: 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem',
      UnsubscribeUrl: `https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${topicArn}:2bcfbf39`,
      MessageAttributes: {},
    },
  };
}

/** Records what the handler counts; the shape of Powertools Metrics it uses. */
export class RecordingMetrics {
  readonly counts: Record<string, number> = {};
  readonly dimensioned: { name: string; dimensions: Record<string, string> }[] = [];
  addMetric(name: string, _unit: unknown, value: number): void {
    this.counts[name] = (this.counts[name] ?? 0) + value;
  }
  singleMetric() {
    const dimensions: Record<string, string> = {};
    const single = {
      addDimension: (k: string, v: string) => ((dimensions[k] = v), single),
      addMetric: (name: string) => (this.dimensioned.push({ name, dimensions }), single),
    };
    return single;
  }
  /** Flushing is the Lambda entry's logMetrics middleware; the handler never calls it. */
  publishStoredMetrics(): void {}
}

export const silentLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
