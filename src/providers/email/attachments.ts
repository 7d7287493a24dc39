/**
 * Attachments as adapters need them: bytes in memory, a content type, inline or not.
 * Contract attachments carry base64 `content` or an S3 reference `{bucket, key}`; S3 ones are
 * fetched through an AttachmentFetcher the adapter was given (s3AttachmentFetcher wraps an
 * S3Client). The fetch is part of the provider boundary: S3 errors come out as our typed
 * errors (a missing object is permanent, throttling transient).
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { detectMimeType } from 'nodemailer/lib/mime-funcs/mime-types';
import type { Attachment } from '../../contract/message.js';
import { type AwsErrorInfo, type ErrorRule, translateAwsError } from '../aws-errors.js';

export interface FetchedAttachment {
  readonly content: Uint8Array;
  /** The object's Content-Type, used when the message does not name one. */
  readonly contentType?: string;
}

export type AttachmentFetcher = (ref: { readonly bucket: string; readonly key: string }) => Promise<FetchedAttachment>;

export interface ResolvedAttachment {
  readonly filename: string;
  readonly contentType: string;
  readonly content: Buffer;
  readonly inline: boolean;
  /** Without angle brackets. */
  readonly contentId?: string;
}

/**
 * Reads attachments from S3 with GetObject (the Lambda role needs s3:GetObject on the bucket).
 * `bucketOwners` (bucket → account id) adds ExpectedBucketOwner, so a bucket name re-created by
 * another account after deletion fails with 403 instead of serving that account's objects
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-owner-condition.html).
 */
export function s3AttachmentFetcher(s3: S3Client, bucketOwners: Readonly<Record<string, string>> = {}): AttachmentFetcher {
  return async ({ bucket, key }) => {
    const owner = Object.hasOwn(bucketOwners, bucket) ? bucketOwners[bucket] : undefined;
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...(owner ? { ExpectedBucketOwner: owner } : {}) }));
    const content = object.Body ? await object.Body.transformToByteArray() : new Uint8Array();
    return { content, contentType: object.ContentType };
  };
}

/** S3 GetObject failures worth their own codes; the rest is the generic AWS classification. */
function s3Rule(info: AwsErrorInfo): ErrorRule | undefined {
  if (info.name === 'NoSuchKey' || info.name === 'NoSuchBucket' || info.name === 'NotFound' || info.statusCode === 404) {
    return { retryable: false, code: 'attachment_not_found' };
  }
  if (info.name === 'AccessDenied' || info.statusCode === 403) return { retryable: false, code: 'attachment_access_denied' };
  return undefined;
}

const MIME_TYPE = /^[\w.+-]+\/[\w.+-]+$/;

function contentTypeOf(attachment: Attachment, fetched?: string): string {
  if (attachment.contentType) return attachment.contentType;
  const fromObject = fetched?.split(';')[0]?.trim();
  if (fromObject && MIME_TYPE.test(fromObject) && fromObject !== 'binary/octet-stream') return fromObject;
  return detectMimeType(attachment.filename);
}

export function stripAngleBrackets(contentId: string): string {
  return contentId.replace(/^<(.*)>$/, '$1');
}

/**
 * Decodes or fetches every attachment. `fetcher` is required when any attachment is in S3
 * (the adapter's feature check guarantees that before we get here).
 */
export async function resolveAttachments(
  attachments: readonly Attachment[],
  provider: string,
  fetcher?: AttachmentFetcher,
): Promise<ResolvedAttachment[]> {
  return Promise.all(
    attachments.map(async (a) => {
      let content: Buffer;
      let fetchedType: string | undefined;
      if (a.s3) {
        if (!fetcher) throw translateAwsError(new TypeError(`attachment ${a.filename} is in S3 but no fetcher is configured`), provider);
        try {
          const fetched = await fetcher(a.s3);
          content = Buffer.from(fetched.content.buffer, fetched.content.byteOffset, fetched.content.byteLength);
          fetchedType = fetched.contentType;
        } catch (error) {
          const translated = translateAwsError(error, provider, s3Rule);
          translated.message = `attachment s3://${a.s3.bucket}/${a.s3.key}: ${translated.message}`;
          throw translated;
        }
      } else {
        content = Buffer.from(a.content ?? '', 'base64');
      }
      return {
        filename: a.filename,
        contentType: contentTypeOf(a, fetchedType),
        content,
        inline: a.disposition === 'inline',
        ...(a.contentId !== undefined ? { contentId: stripAngleBrackets(a.contentId) } : {}),
      };
    }),
  );
}
