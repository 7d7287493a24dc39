/**
 * Mail that SES stored with the S3 action's "Encrypt message" option (a `kmsKeyArn` on the
 * receipt rule) is NOT S3 server-side encryption: SES writes it with the S3 *encryption client*
 * (client-side envelope encryption), so a plain GetObject returns ciphertext.
 * https://docs.aws.amazon.com/ses/latest/dg/receiving-email-action-s3.html
 * https://docs.aws.amazon.com/kms/latest/developerguide/services-ses.html
 *
 * The object's user metadata carries the envelope:
 *   x-amz-key-v2                      data key encrypted under the KMS key (base64)
 *   x-amz-matdesc                     JSON encryption context (aws:ses:message-id, rule-name,
 *                                     source-account, …) that KMS Decrypt must be given back
 *   x-amz-wrap-alg                    "kms" or "kms+context"
 *   x-amz-cek-alg                     "AES/GCM/NoPadding" (tag appended to the ciphertext) or
 *                                     the legacy "AES/CBC/PKCS5Padding"
 *   x-amz-iv, x-amz-tag-len, x-amz-unencrypted-content-length
 * We unwrap the data key with kms:Decrypt (the Lambda role needs it on that key, with the
 * encryption context SES sets) and decrypt the body as a stream. Mail in a bucket whose default
 * encryption is SSE-KMS needs none of this: S3 decrypts on GetObject when the role has
 * kms:Decrypt.
 *
 * GCM note: plaintext is handed to the parser before the tag at the very end is checked (that
 * is what keeps memory flat). A tag mismatch then fails the whole ingestion with
 * `decrypt_failed`, so tampered mail is never recorded as parsed.
 */
import { createDecipheriv, type Decipher, type DecipherGCM } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { DecryptCommand, type KMSClient } from '@aws-sdk/client-kms';
import { errorNameOf, InboundRefusedError, InboundStorageError } from './errors.js';
import type { DataKeyDecrypter } from './types.js';

type Metadata = Readonly<Record<string, string | undefined>>;

const GCM = 'AES/GCM/NoPadding';
const CBC = 'AES/CBC/PKCS5Padding';

/** True when S3 user metadata says the object was written by the S3 encryption client. */
export function isClientSideEncrypted(metadata: Metadata | undefined): boolean {
  return metadata !== undefined && (metadata['x-amz-key-v2'] !== undefined || metadata['x-amz-key'] !== undefined);
}

/** Plaintext length the encryption client recorded, if any. */
export function unencryptedLength(metadata: Metadata | undefined): number | undefined {
  const raw = metadata?.['x-amz-unencrypted-content-length'];
  const n = raw === undefined ? Number.NaN : Number(raw);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** Builds the decrypting stream for an encrypted object; throws InboundRefusedError if it cannot. */
export async function createDecryptStream(metadata: Metadata, decryptDataKey: DataKeyDecrypter | undefined): Promise<Transform> {
  const encryptedKey = metadata['x-amz-key-v2'];
  if (encryptedKey === undefined) {
    // V1 objects ("x-amz-key") are wrapped with a client-held master key, never KMS: SES does not write them.
    throw new InboundRefusedError(
      'unsupported_encryption',
      'object uses the V1 S3 encryption format (x-amz-key), which SES does not write',
    );
  }
  const wrap = metadata['x-amz-wrap-alg'];
  if (wrap !== 'kms' && wrap !== 'kms+context') {
    throw new InboundRefusedError('unsupported_encryption', `unsupported key wrapping "${wrap ?? '(none)'}"`);
  }
  const cek = metadata['x-amz-cek-alg'] ?? CBC;
  if (cek !== GCM && cek !== CBC) throw new InboundRefusedError('unsupported_encryption', `unsupported content cipher "${cek}"`);
  if (!decryptDataKey) {
    throw new InboundRefusedError('unsupported_encryption', 'mail is KMS-encrypted by SES but no data-key decrypter is configured');
  }
  let context: Record<string, string>;
  try {
    context = JSON.parse(metadata['x-amz-matdesc'] ?? '{}') as Record<string, string>;
  } catch (cause) {
    throw new InboundRefusedError('decrypt_failed', 'x-amz-matdesc is not JSON', { cause });
  }
  const key = Buffer.from(await decryptDataKey({ encryptedKey: Buffer.from(encryptedKey, 'base64'), encryptionContext: context }));
  const iv = Buffer.from(metadata['x-amz-iv'] ?? '', 'base64');
  const bits = key.length * 8;
  if (![128, 192, 256].includes(bits)) throw new InboundRefusedError('decrypt_failed', `data key has ${key.length} bytes`);
  try {
    if (cek === GCM) {
      const tagLength = Number(metadata['x-amz-tag-len'] ?? '128') / 8;
      const algorithm = `aes-${bits}-gcm` as 'aes-256-gcm';
      const decipher = createDecipheriv(algorithm, key, iv, { authTagLength: tagLength });
      return new DecryptStream(decipher, tagLength);
    }
    return new DecryptStream(createDecipheriv(`aes-${bits}-cbc`, key, iv), 0);
  } catch (cause) {
    throw new InboundRefusedError('decrypt_failed', 'cannot initialise the content cipher', { cause });
  }
}

/** Streams ciphertext through the decipher; for GCM it holds back the trailing tag. */
class DecryptStream extends Transform {
  private tail = Buffer.alloc(0);

  constructor(
    private readonly decipher: Decipher | DecipherGCM,
    private readonly tagLength: number,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    let body = chunk;
    if (this.tagLength > 0) {
      const data = this.tail.length ? Buffer.concat([this.tail, chunk]) : chunk;
      const cut = Math.max(0, data.length - this.tagLength);
      body = data.subarray(0, cut);
      this.tail = Buffer.from(data.subarray(cut));
    }
    try {
      done(null, this.decipher.update(body));
    } catch (cause) {
      done(new InboundRefusedError('decrypt_failed', 'content decryption failed', { cause }));
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      if (this.tagLength > 0) {
        if (this.tail.length !== this.tagLength) throw new Error('ciphertext shorter than its authentication tag');
        (this.decipher as DecipherGCM).setAuthTag(this.tail);
      }
      done(null, this.decipher.final());
    } catch (cause) {
      done(new InboundRefusedError('decrypt_failed', 'mail failed authentication or padding check (corrupt or tampered)', { cause }));
    }
  }
}

/** KMS errors that say this ciphertext will never decrypt; anything else (throttling, AccessDenied) is retried. */
const PERMANENT_KMS_ERRORS = new Set(['InvalidCiphertextException', 'IncorrectKeyException', 'NotFoundException']);

/** `DataKeyDecrypter` backed by KMS Decrypt, for the handler wiring. */
export function kmsDataKeyDecrypter(kms: KMSClient): DataKeyDecrypter {
  return async ({ encryptedKey, encryptionContext }) => {
    try {
      const out = await kms.send(new DecryptCommand({ CiphertextBlob: encryptedKey, EncryptionContext: { ...encryptionContext } }));
      if (!out.Plaintext) throw new InboundRefusedError('decrypt_failed', 'KMS returned no plaintext data key');
      return out.Plaintext;
    } catch (error) {
      if (error instanceof InboundRefusedError) throw error;
      if (PERMANENT_KMS_ERRORS.has(errorNameOf(error) ?? '')) {
        throw new InboundRefusedError('decrypt_failed', `KMS refused the data key: ${errorNameOf(error)}`, { cause: error });
      }
      throw new InboundStorageError('kms:Decrypt', { messageId: encryptionContext['aws:ses:message-id'] }, { cause: error });
    }
  };
}
