import { createHash } from 'node:crypto';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatedAttachment, largeMessage, planLargeMessage } from '../../fixtures/mime/generate.js';
import { type LocalEnv, localEnv } from '../../support/local.js';
import { event, harness, newMessageId, putRaw, s3Notification } from './support.js';

const MB = 1024 * 1024;

describe('a 30 MB message end to end', () => {
  let env: LocalEnv;
  beforeAll(async () => {
    env = await localEnv();
  });
  afterAll(() => env.clients.destroy());

  it('streams from S3, stores every attachment byte-exact (multipart upload), and records it', async () => {
    // Prepare: generated, never committed; streamed into the local S3 as SES would store it.
    const h = harness(env);
    const bucket = env.resources.buckets.inbound;
    const id = newMessageId();
    await putRaw(env.clients.s3, bucket, { id }, largeMessage(30 * MB, { messageId: id }));
    const plan = planLargeMessage(30 * MB);
    // Act
    await h.handler(event(s3Notification(bucket, { id })));
    // Assess
    const record = await h.store.get(id);
    expect(record!.error).toBeUndefined();
    expect(record!.subject).toBe(`Large message (${30 * MB} bytes)`);
    expect(record!.attachments.map((a) => a.size)).toEqual(plan.attachmentSizes);
    for (const [i, a] of record!.attachments.entries()) {
      const body = (await env.clients.s3.send(new GetObjectCommand({ Bucket: a.s3.bucket, Key: a.s3.key })))
        .Body as AsyncIterable<Uint8Array>;
      const hash = createHash('sha256');
      for await (const chunk of body) hash.update(chunk);
      expect(hash.digest('hex')).toBe(createHash('sha256').update(generatedAttachment(i, plan.attachmentSizes[i]!)).digest('hex'));
    }
  });
});
