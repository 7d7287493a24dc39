/**
 * S3 attachment fetcher: ExpectedBucketOwner on GetObject
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-owner-condition.html).
 */
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { s3AttachmentFetcher } from '../../../src/providers/email/attachments.js';

const s3 = mockClient(S3Client);
beforeEach(() => {
  s3.reset();
  s3.on(GetObjectCommand).callsFake(() => ({
    Body: { transformToByteArray: async () => new Uint8Array(Buffer.from('pdf')) } as never,
    ContentType: 'application/pdf',
  }));
});

describe('s3AttachmentFetcher', () => {
  it('passes the configured owner of the bucket as ExpectedBucketOwner', async () => {
    // Prepare
    const fetch = s3AttachmentFetcher(new S3Client({}), { 'acme-attachments': '111122223333' });

    // Act
    const fetched = await fetch({ bucket: 'acme-attachments', key: 'outgoing/invoice.pdf' });

    // Assess
    expect(Buffer.from(fetched.content).toString()).toBe('pdf');
    expect(s3.commandCalls(GetObjectCommand)[0]!.args[0].input).toEqual({
      Bucket: 'acme-attachments',
      Key: 'outgoing/invoice.pdf',
      ExpectedBucketOwner: '111122223333',
    });
  });

  it('sends no owner for a bucket it was not told about (local stand-ins, tests)', async () => {
    // Prepare
    const fetch = s3AttachmentFetcher(new S3Client({}), { 'acme-attachments': '111122223333' });

    // Act
    await fetch({ bucket: 'toString', key: 'k' });

    // Assess
    expect(s3.commandCalls(GetObjectCommand)[0]!.args[0].input).toEqual({ Bucket: 'toString', Key: 'k' });
  });
});
