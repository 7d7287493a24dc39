import { DecryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { createDecryptStream, isClientSideEncrypted, kmsDataKeyDecrypter, unencryptedLength } from '../../../src/inbound/decrypt.js';
import { InboundRefusedError, InboundStorageError } from '../../../src/inbound/errors.js';
import { fakeKms, sesEncrypt, sesMatdesc } from '../../fixtures/ses-inbound/client-side-encryption.js';
import { mimeFixture, streamOf } from './support.js';

async function decrypt(body: Buffer, metadata: Record<string, string>, chunk = 1000): Promise<Buffer> {
  const stream = streamOf(body, chunk).pipe(await createDecryptStream(metadata, fakeKms()));
  const out: Buffer[] = [];
  for await (const c of stream) out.push(c as Buffer);
  return Buffer.concat(out);
}

describe('SES client-side encrypted mail', () => {
  const plaintext = mimeFixture('attachments-nonascii-filenames.eml', 'crlf');

  it('is recognised from its metadata, with the plaintext length', () => {
    const { metadata } = sesEncrypt(plaintext, 'abc');
    expect(isClientSideEncrypted(metadata)).toBe(true);
    expect(isClientSideEncrypted({ 'content-type': 'x' })).toBe(false);
    expect(unencryptedLength(metadata)).toBe(plaintext.length);
  });

  it.each([1, 7, 16, 17, 1000, 100_000])('decrypts AES-GCM streamed in %i-byte chunks (tag held back across chunks)', async (chunk) => {
    const { body, metadata } = sesEncrypt(plaintext, 'abc', 'gcm');
    expect(await decrypt(body, metadata, chunk)).toEqual(plaintext);
  });

  it('decrypts legacy AES-CBC', async () => {
    const { body, metadata } = sesEncrypt(plaintext, 'abc', 'cbc');
    expect(await decrypt(body, metadata, 333)).toEqual(plaintext);
  });

  it('hands KMS the matdesc as encryption context', async () => {
    const { metadata } = sesEncrypt(plaintext, 'msg-1');
    const calls: { context: Record<string, string> }[] = [];
    await createDecryptStream(metadata, fakeKms(calls));
    expect(calls).toEqual([{ context: sesMatdesc('msg-1') }]);
  });

  it('fails with decrypt_failed when a ciphertext byte was flipped (GCM tag)', async () => {
    const { body, metadata } = sesEncrypt(plaintext, 'abc');
    body[100] = body[100]! ^ 1;
    const error = await decrypt(body, metadata).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InboundRefusedError);
    expect((error as InboundRefusedError).code).toBe('decrypt_failed');
  });

  it('fails with decrypt_failed when the object is truncated', async () => {
    const { body, metadata } = sesEncrypt(plaintext, 'abc');
    const error = await decrypt(body.subarray(0, 10), metadata).catch((e: unknown) => e);
    expect((error as InboundRefusedError).code).toBe('decrypt_failed');
  });

  it.each([
    ['no decrypter configured', (m: Record<string, string>) => m, undefined],
    ['an unknown key wrapping', (m: Record<string, string>) => ({ ...m, 'x-amz-wrap-alg': 'AESWrap' }), fakeKms()],
    ['an unknown content cipher', (m: Record<string, string>) => ({ ...m, 'x-amz-cek-alg': 'AES/CTR/NoPadding' }), fakeKms()],
    ['the V1 format', (m: Record<string, string>) => ({ 'x-amz-key': m['x-amz-key-v2']! }), fakeKms()],
  ])('refuses %s with unsupported_encryption', async (_label, edit, decrypter) => {
    const { metadata } = sesEncrypt(plaintext, 'abc');
    const error = await createDecryptStream(edit(metadata), decrypter).catch((e: unknown) => e);
    expect((error as InboundRefusedError).code).toBe('unsupported_encryption');
  });
});

// No local KMS exists, so KMS's error answers are mocked (aws-sdk-client-mock).
describe('kmsDataKeyDecrypter', () => {
  const input = { encryptedKey: Buffer.from('wrapped'), encryptionContext: sesMatdesc('m1') };

  it('returns the plaintext key and passes the context', async () => {
    const kms = mockClient(KMSClient);
    kms.on(DecryptCommand).resolves({ Plaintext: Buffer.alloc(32, 1) });
    expect(Buffer.from(await kmsDataKeyDecrypter(new KMSClient({ region: 'us-east-1' }))(input))).toEqual(Buffer.alloc(32, 1));
    expect(kms.commandCalls(DecryptCommand)[0]!.args[0].input.EncryptionContext).toEqual(sesMatdesc('m1'));
    kms.restore();
  });

  it('maps InvalidCiphertextException to a permanent decrypt_failed', async () => {
    const kms = mockClient(KMSClient);
    kms.on(DecryptCommand).rejects(Object.assign(new Error('bad'), { name: 'InvalidCiphertextException' }));
    const error = await kmsDataKeyDecrypter(new KMSClient({ region: 'us-east-1' }))(input).catch((e: unknown) => e);
    expect((error as InboundRefusedError).code).toBe('decrypt_failed');
    kms.restore();
  });

  it('keeps AccessDenied and throttling retryable (a missing grant is fixable)', async () => {
    const kms = mockClient(KMSClient);
    kms.on(DecryptCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    const error = await kmsDataKeyDecrypter(new KMSClient({ region: 'us-east-1' }))(input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InboundStorageError);
    expect((error as InboundStorageError).retryable).toBe(true);
    kms.restore();
  });
});
