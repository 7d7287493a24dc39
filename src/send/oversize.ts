/**
 * Bodies too large to travel with Mailroom's attributes. SQS limits a message to 1 MiB
 * counting the body and every message attribute's name, type and value
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html#sqs-message-attributes).
 * A producer's body just under that limit fits on the queue, but the same body plus the
 * reason attributes of a DLQ write (or the marker of a re-enqueued copy) does not. Such a
 * body goes by reference: it is stored whole in S3 under a per-channel prefix, keyed by its
 * SHA-256 (writing the same body twice writes the same object), and the SQS message carries
 * a small JSON pointer as its body plus the attribute `mailroom.bodyRef`. Nothing is cut.
 *
 * The send handler resolves such a message before anything else (a DLQ entry redriven to
 * its queue, a re-enqueued copy), so the pipeline always sees the producer's body.
 */

import { createHash } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import type { Channel } from '../contract/message.js';
import { BodyReferenceError } from './errors.js';

/** SQS's largest message (and the default MaximumMessageSize of a queue), bytes. */
export const SQS_MAX_MESSAGE_BYTES = 1_048_576;
/** Key prefix of by-reference bodies in the payload bucket; one folder per channel. */
export const SQS_BODY_PREFIX = 'sqs-bodies/';
/** The attribute that marks a by-reference message; its value is `s3://bucket/key`. */
export const BODY_REF_ATTR = 'mailroom.bodyRef';

export const sqsBodyPrefix = (channel: Channel) => `${SQS_BODY_PREFIX}${channel}/`;

export interface BodyReference {
  readonly bucket: string;
  readonly key: string;
  /** UTF-8 bytes of the body. */
  readonly bytes: number;
  readonly sha256: string;
}

/**
 * The size SQS counts: the body's UTF-8 bytes plus, for each attribute, the UTF-8 bytes of
 * its name and data type and of its value (String/Number as UTF-8, Binary as raw bytes).
 */
export function sqsMessageSize(body: string, attributes: Readonly<Record<string, MessageAttributeValue>> = {}): number {
  let size = Buffer.byteLength(body, 'utf8');
  for (const [name, a] of Object.entries(attributes)) {
    size += Buffer.byteLength(name, 'utf8') + Buffer.byteLength(a.DataType ?? '', 'utf8');
    if (a.StringValue !== undefined) size += Buffer.byteLength(a.StringValue, 'utf8');
    if (a.BinaryValue !== undefined) size += a.BinaryValue.byteLength;
  }
  return size;
}

/** The SQS body that stands for a by-reference body: JSON an operator can read. */
export function referenceBody(ref: BodyReference): string {
  return JSON.stringify({ mailroomBodyRef: ref });
}

function parseReference(body: string): BodyReference | undefined {
  try {
    const ref = (JSON.parse(body) as { mailroomBodyRef?: Partial<BodyReference> } | null)?.mailroomBodyRef;
    if (typeof ref?.bucket === 'string' && typeof ref.key === 'string' && typeof ref.sha256 === 'string' && typeof ref.bytes === 'number') {
      return { bucket: ref.bucket, key: ref.key, bytes: ref.bytes, sha256: ref.sha256 };
    }
  } catch {
    // not a reference
  }
  return undefined;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** Where by-reference bodies of one queue live: the send role may write and read only this prefix. */
export class S3BodyStore {
  constructor(
    private readonly s3: S3Client,
    private readonly location: { readonly bucket: string; readonly prefix: string },
  ) {}

  async put(body: string): Promise<BodyReference> {
    const digest = sha256(body);
    const ref = {
      bucket: this.location.bucket,
      key: `${this.location.prefix}${digest}`,
      bytes: Buffer.byteLength(body, 'utf8'),
      sha256: digest,
    };
    try {
      await this.s3.send(new PutObjectCommand({ Bucket: ref.bucket, Key: ref.key, Body: body, ContentType: 'text/plain; charset=utf-8' }));
    } catch (cause) {
      throw new BodyReferenceError('s3:PutObject', ref, { cause });
    }
    return ref;
  }

  /**
   * The producer's body of a received record: the record's own body, or, for a by-reference
   * message of this store's bucket and prefix, the stored body (checked against its SHA-256).
   * A marker pointing anywhere else is not ours to follow: the record is taken as it is (and
   * its pointer body fails validation, with the reason, like any other invalid body).
   */
  async resolve(record: SQSRecord): Promise<string> {
    if (record.messageAttributes?.[BODY_REF_ATTR] === undefined) return record.body;
    const ref = parseReference(record.body);
    if (!ref || ref.bucket !== this.location.bucket || !ref.key.startsWith(this.location.prefix)) return record.body;
    let body: string;
    try {
      const out = await this.s3.send(new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key }));
      body = await out.Body!.transformToString('utf8');
    } catch (cause) {
      // Retried as storage trouble; once SQS's redrive policy gives up, the entry goes back to
      // the DLQ with its attributes (SQS keeps them), the reason included.
      throw new BodyReferenceError('s3:GetObject', ref, { cause });
    }
    if (sha256(body) !== ref.sha256) throw new BodyReferenceError('sha256 check', ref);
    return body;
  }
}
