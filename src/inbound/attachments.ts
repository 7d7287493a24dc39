/**
 * Writes attachment content to S3 under keys WE generate:
 *
 *   attachments/<SES message id>/<index>    normal
 *   quarantine/<SES message id>/<index>     the virus verdict was FAIL
 *
 * Never anything derived from the sender's filename (`../../etc/passwd`, `CON`, control
 * characters and 300-character names are data in the record, not keys). The index is the
 * attachment's position in MIME order, so the same mail always maps to the same keys: a
 * retried or replayed ingestion overwrites, never forks. Quarantined content never lands under
 * the normal prefix, so a policy that serves `attachments/*` cannot serve it.
 *
 * Before uploading we HeadObject the key: S3 objects appear only complete, so if it exists a
 * previous attempt of this same mail stored it and we skip the upload (the content stream is
 * still drained, because the parser waits for it). A role without s3:ListBucket gets 403, not
 * 404, for a missing key (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html);
 * 403 is therefore read as "not known to exist" and we upload — same key, same bytes, so only
 * the saving is lost, and a real permission problem still fails loudly at the upload.
 *
 * Uploads use lib-storage's multipart `Upload` with one 5 MB part in flight: a 25 MB
 * attachment costs about 5 MB of memory, not 25.
 */
import { type Readable, Transform, type TransformCallback, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { errorNameOf, httpStatusOf, InboundStorageError } from './errors.js';
import type { AttachmentMeta, AttachmentSink, StoredAttachment } from './types.js';

export const ATTACHMENTS_PREFIX = 'attachments/';
export const QUARANTINE_PREFIX = 'quarantine/';
const PART_SIZE = 5 * 1024 * 1024; // S3's minimum multipart part size

export function attachmentKey(messageId: string, index: number, quarantined: boolean): string {
  return `${quarantined ? QUARANTINE_PREFIX : ATTACHMENTS_PREFIX}${messageId}/${index}`;
}

// S3 stores Content-Type as a header; a hostile MIME type must not become a malformed one.
const SAFE_CONTENT_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/;

export function s3AttachmentSink(opts: {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly messageId: string;
  readonly quarantine: boolean;
}): AttachmentSink {
  const { s3, bucket, messageId, quarantine } = opts;
  return {
    async store(meta: AttachmentMeta, content: Readable): Promise<StoredAttachment> {
      const key = attachmentKey(messageId, meta.index, quarantine);
      const location = { bucket, key };
      const existing = await headSize(s3, bucket, key);
      if (existing !== undefined) {
        await pipeline(content, new Writable({ write: (_c, _e, done) => done() }));
        return { s3: location, size: existing, ...(quarantine ? { quarantined: true } : {}) };
      }
      const counter = new ByteCounter();
      const upload = new Upload({
        client: s3,
        queueSize: 1,
        partSize: PART_SIZE,
        leavePartsOnError: false,
        params: {
          Bucket: bucket,
          Key: key,
          Body: content.pipe(counter),
          ContentType: SAFE_CONTENT_TYPE.test(meta.contentType) ? meta.contentType : 'application/octet-stream',
          // Always a download, never rendered inline by a browser given a presigned URL; the
          // filename is percent-encoded (RFC 6266/5987), so it cannot inject header syntax.
          ContentDisposition: meta.filename ? `attachment; filename*=UTF-8''${encodeURIComponent(meta.filename)}` : 'attachment',
          Metadata: { 'mailroom-message-id': messageId, 'mailroom-quarantined': String(quarantine) },
        },
      });
      content.on('error', (e) => counter.destroy(e));
      try {
        await upload.done();
      } catch (error) {
        if (content.errored) throw content.errored; // the parser failed, not S3
        throw new InboundStorageError('s3 upload (attachment)', { bucket, key }, { cause: error });
      }
      return { s3: location, size: counter.bytes, ...(quarantine ? { quarantined: true } : {}) };
    },
  };
}

async function headSize(s3: S3Client, bucket: string, key: string): Promise<number | undefined> {
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return head.ContentLength ?? 0;
  } catch (error) {
    const status = httpStatusOf(error);
    if (errorNameOf(error) === 'NotFound' || status === 404 || status === 403) return undefined;
    throw new InboundStorageError('s3:HeadObject (attachment)', { bucket, key }, { cause: error });
  }
}

class ByteCounter extends Transform {
  bytes = 0;
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    done(null, chunk);
  }
}
