/**
 * Gets the raw MIME of a received mail as a stream, without ever holding more of it than the
 * parser asks for.
 *
 * - S3 action: one GetObject. Its ContentLength (or, for client-side encrypted mail, the
 *   plaintext length the encryption client recorded) is checked against the size limit BEFORE
 *   a byte is parsed; an oversize body is destroyed unread. Bucket default encryption with
 *   SSE-KMS is transparent here (S3 decrypts when the role has kms:Decrypt on the key); mail
 *   SES encrypted itself (receipt rule `kmsKeyArn`) goes through decrypt.ts.
 * - SNS action: the notification carries the mail (BASE64 or UTF8, at most 150 KB). We store
 *   it in our bucket under `raw/<messageId>` so the record can point at the raw MIME like any
 *   other, then parse it from memory.
 *   https://docs.aws.amazon.com/ses/latest/dg/receiving-email-action-sns.html
 */
import { PassThrough, pipeline, Readable } from 'node:stream';
import { GetObjectCommand, type GetObjectCommandOutput, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createDecryptStream, isClientSideEncrypted, unencryptedLength } from './decrypt.js';
import { errorNameOf, httpStatusOf, InboundRefusedError, InboundStorageError } from './errors.js';
import type { ReceiptNotification } from './notification.js';
import type { DataKeyDecrypter, S3Location } from './types.js';

export interface RawMail {
  readonly body: Readable;
  readonly size: number;
}

export interface SourceDeps {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly maxBytes: number;
  readonly decryptDataKey?: DataKeyDecrypter;
}

/**
 * Where we keep the raw MIME of mail that came with an SNS action (content in the
 * notification). Apart from `raw/`, which is SES's own (the S3 action writes there, and
 * ingestion may only read it).
 */
export const SNS_ACTION_RAW_PREFIX = 'received/';

/** Where the raw MIME of this notification lives (or will live, for the SNS action). */
export function rawLocationOf(notification: ReceiptNotification, bucket: string): S3Location {
  const action = notification.receipt.action;
  return action.type === 'S3'
    ? { bucket: action.bucketName, key: action.objectKey }
    : { bucket, key: `${SNS_ACTION_RAW_PREFIX}${notification.mail.messageId}` };
}

function tooLarge(size: number, maxBytes: number): InboundRefusedError {
  return new InboundRefusedError('too_large', `mail is ${size} bytes, over the ${maxBytes}-byte limit; not parsed`);
}

/**
 * Opens the raw mail. Throws InboundRefusedError (recorded on the record) when it cannot or
 * must not be parsed, InboundStorageError when S3 failed transiently.
 */
export async function openRawMail(notification: ReceiptNotification, deps: SourceDeps): Promise<RawMail> {
  return notification.receipt.action.type === 'S3' ? openFromS3(notification, deps) : openFromContent(notification, deps);
}

async function openFromS3(notification: ReceiptNotification, deps: SourceDeps): Promise<RawMail> {
  const { bucket, key } = rawLocationOf(notification, deps.bucket);
  let response: GetObjectCommandOutput;
  try {
    response = await deps.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  } catch (error) {
    const name = errorNameOf(error);
    if (name === 'NoSuchKey' || name === 'NoSuchBucket' || httpStatusOf(error) === 404) {
      // Gone for good (lifecycle expiry, replay of an old notification): record it, don't retry.
      throw new InboundRefusedError('raw_not_found', `raw mail s3://${bucket}/${key} does not exist`, { cause: error });
    }
    throw new InboundStorageError('s3:GetObject', { bucket, key }, { cause: error });
  }
  const stored = response.Body as Readable | undefined;
  if (!stored) throw new InboundStorageError('s3:GetObject', { bucket, key }, { cause: new Error('response has no body') });
  const encrypted = isClientSideEncrypted(response.Metadata);
  const size = (encrypted ? unencryptedLength(response.Metadata) : undefined) ?? response.ContentLength ?? 0;
  if (size > deps.maxBytes) {
    stored.destroy();
    throw tooLarge(size, deps.maxBytes);
  }
  const body = readErrorsAsStorageErrors(stored, bucket, key);
  if (!encrypted) return { body, size };
  let decrypt: Awaited<ReturnType<typeof createDecryptStream>>;
  try {
    decrypt = await createDecryptStream(response.Metadata ?? {}, deps.decryptDataKey);
  } catch (error) {
    body.destroy();
    throw error;
  }
  // pipeline() carries an error (and an early destroy by the parser) to both ends.
  return { body: pipeline(body, decrypt, () => undefined), size };
}

/**
 * A failure while reading the S3 body (connection reset, timeout) is transient; without this
 * wrapper it would reach the parser looking like broken MIME and be recorded as parse_failed.
 */
function readErrorsAsStorageErrors(source: Readable, bucket: string, key: string): Readable {
  const out = new PassThrough();
  source.on('error', (cause) => out.destroy(new InboundStorageError('s3:GetObject (reading body)', { bucket, key }, { cause })));
  out.on('close', () => {
    if (!source.readableEnded) source.destroy();
  });
  return source.pipe(out);
}

async function openFromContent(notification: ReceiptNotification, deps: SourceDeps): Promise<RawMail> {
  const action = notification.receipt.action;
  const content = notification.content ?? '';
  const bytes = Buffer.from(content, action.type === 'SNS' && action.encoding === 'BASE64' ? 'base64' : 'utf8');
  const { bucket, key } = rawLocationOf(notification, deps.bucket);
  try {
    // Deterministic key: a replay overwrites the same bytes.
    await deps.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentType: 'message/rfc822' }));
  } catch (error) {
    throw new InboundStorageError('s3:PutObject (raw mail)', { bucket, key }, { cause: error });
  }
  if (bytes.length > deps.maxBytes) throw tooLarge(bytes.length, deps.maxBytes);
  return { body: Readable.from([bytes]), size: bytes.length };
}
