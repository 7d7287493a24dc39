/**
 * Keeps the inbound record inside DynamoDB's 400 KB item limit (docs/contract.md §4: "bodies too
 * large for an item live in S3 and the record points to them").
 *
 * 1. Record fits (estimated ≤ 300 KB): stored as is.
 * 2. Otherwise `text` and `html` move to `bodies/<id>.json` ({text, html}) and the record gets
 *    `bodies: {bucket, key}` instead.
 * 3. Still too large (thousands of attachments with kilobyte filenames, a megabyte Subject):
 *    the whole parsed mail goes to that object, the record keeps the envelope, verdicts and
 *    pointers, with `error.code = "record_too_large"` saying where the rest is. Nothing is lost.
 *
 * `readInboundBodies` is what `inbound show` uses to put the bodies back.
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { estimateItemBytes, MAX_RECORD_ITEM_BYTES } from '../store/inbound.js';
import type { StoredInboundRecord } from '../store/types.js';
import { InboundStorageError } from './errors.js';
import type { ParsedMail, S3Location } from './types.js';

export const BODIES_PREFIX = 'bodies/';

/** What `bodies/<id>.json` holds: text and html, or the whole parsed mail for record_too_large. */
export type InboundBodies = Partial<ParsedMail>;

export async function fitRecordInItem(
  record: StoredInboundRecord,
  parsed: ParsedMail,
  deps: { readonly s3: S3Client; readonly bucket: string },
): Promise<StoredInboundRecord> {
  if (estimateItemBytes(record) <= MAX_RECORD_ITEM_BYTES) return record;
  const location = { bucket: deps.bucket, key: `${BODIES_PREFIX}${record.id}.json` };
  const { text, html, ...withoutBodies } = record;
  const slim: StoredInboundRecord = { ...withoutBodies, bodies: location };
  if (estimateItemBytes(slim) <= MAX_RECORD_ITEM_BYTES) {
    await putJson(deps.s3, location, { text, html });
    return slim;
  }
  await putJson(deps.s3, location, parsed);
  const { from: _f, to: _t, cc: _c, replyTo: _r, subject: _s, date: _d, messageIdHeader: _m, attachments: _a, ...envelope } = slim;
  return {
    ...envelope,
    to: [],
    cc: [],
    replyTo: [],
    attachments: [],
    error: {
      code: 'record_too_large',
      message: `parsed mail exceeds a DynamoDB item; headers, bodies and the attachment list are in s3://${location.bucket}/${location.key}`,
      retryable: false,
    },
  };
}

async function putJson(s3: S3Client, { bucket, key }: S3Location, value: unknown): Promise<void> {
  try {
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify(value), ContentType: 'application/json; charset=utf-8' }),
    );
  } catch (error) {
    throw new InboundStorageError('s3:PutObject (bodies)', { bucket, key }, { cause: error });
  }
}

/** The bodies of a record, fetched from S3 when they were moved there. */
export async function readInboundBodies(s3: S3Client, record: StoredInboundRecord): Promise<InboundBodies> {
  if (!record.bodies)
    return { ...(record.text !== undefined ? { text: record.text } : {}), ...(record.html !== undefined ? { html: record.html } : {}) };
  const { bucket, key } = record.bodies;
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return JSON.parse((await out.Body?.transformToString('utf-8')) ?? '{}') as InboundBodies;
  } catch (error) {
    throw new InboundStorageError('s3:GetObject (bodies)', { bucket, key }, { cause: error });
  }
}
