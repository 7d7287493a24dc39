import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INBOUND_METRICS } from '../../../src/handlers/inbound.js';
import { InboundStorageError } from '../../../src/inbound/errors.js';
import { InboundStore } from '../../../src/store/inbound.js';
import { fakeKms, sesEncrypt } from '../../fixtures/ses-inbound/client-side-encryption.js';
import { type LocalEnv, localEnv } from '../../support/local.js';
import { mimeFixture, sesFixture } from '../../unit/inbound/support.js';
import { countS3Commands, event, type Harness, harness, newMessageId, putRaw, s3Notification } from './support.js';

describe('inbound ingestion through the local S3 and DynamoDB', () => {
  let env: LocalEnv;
  let h: Harness;
  beforeAll(async () => {
    env = await localEnv();
    h = harness(env);
  });
  afterAll(() => env.clients.destroy());

  const bucket = () => env.resources.buckets.inbound;
  const s3Text = async (key: string, b = bucket()) =>
    (await env.clients.s3.send(new GetObjectCommand({ Bucket: b, Key: key }))).Body!.transformToByteArray();

  async function deliver(fixture: string, d: Parameters<typeof s3Notification>[1]) {
    await putRaw(env.clients.s3, bucket(), d, mimeFixture(fixture, 'crlf'));
    await h.handler(event(s3Notification(bucket(), d)));
    return h.store.get(d.id);
  }

  it('stores a parsed record, its attachments under generated keys, index items, and publishes the event', async () => {
    // Prepare
    const id = newMessageId();
    const recipients = ['Support@Example.com', 'sales@example.com'];
    // Act
    const record = await deliver('attachments-nonascii-filenames.eml', { id, recipients });
    // Assess
    expect(record).toMatchObject({
      id,
      receivedAt: '2015-09-11T20:32:33.936Z',
      envelopeSender: '0000014fbe1c09cf-7cb9f704-7531-4e53-89a1-5fa9744f5eb6-000000@amazonses.com',
      envelopeRecipients: recipients,
      from: { name: 'Jin', address: 'jin@sender.example' },
      to: [{ address: 'support@example.com' }],
      subject: 'Dokumente für Sie',
      text: 'Four files attached.\n',
      verdicts: { spam: 'PASS', virus: 'PASS', spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' },
      spamDetected: false,
      raw: { bucket: bucket(), key: `raw/${id}` },
    });
    expect(record!.error).toBeUndefined();
    expect(record!.attachments.map((a) => [a.filename, a.s3.key])).toEqual([
      ['报告.pdf', `attachments/${id}/0`],
      ['Résumé final.docx', `attachments/${id}/1`],
      ['Grüße.txt', `attachments/${id}/2`],
      ['français.txt', `attachments/${id}/3`],
    ]);
    expect(Buffer.from(await s3Text(`attachments/${id}/0`)).toString()).toBe('%PDF-1.4\n% fixture\n');
    expect(record!.attachments[0]!.size).toBe(19);
    const head = await env.clients.s3.send(new HeadObjectCommand({ Bucket: bucket(), Key: `attachments/${id}/0` }));
    expect(head.ContentType).toBe('application/pdf');
    expect(head.ContentDisposition).toBe(`attachment; filename*=UTF-8''${encodeURIComponent('报告.pdf')}`);
    expect(h.events.filter((e) => e.id === id)).toEqual([
      expect.objectContaining({
        type: 'inbound.received',
        id,
        envelopeRecipients: recipients,
        subject: 'Dokumente für Sie',
        attachmentCount: 4,
      }),
    ]);
    expect(record!.publishedAt).toBeDefined();
    expect((await h.store.listByRecipient('support@EXAMPLE.com')).map((s) => s.id)).toContain(id);
    expect((await h.store.listByRecipient('sales@example.com'))[0]).toMatchObject({
      id,
      subject: 'Dokumente für Sie',
      from: { address: 'jin@sender.example' },
    });
  });

  it('a replayed notification changes nothing: no duplicate items, no S3 fetch or upload, no second event', async () => {
    // Prepare
    const id = newMessageId();
    await deliver('html-inline-image-outlook.eml', { id });
    const before = await h.store.get(id);
    const calls = countS3Commands(env.clients.s3);
    // Act
    await h.handler(event(s3Notification(bucket(), { id }), s3Notification(bucket(), { id })));
    // Assess
    expect(calls.counts).toEqual({});
    expect(await h.store.get(id)).toEqual(before);
    const items = await env.clients.doc.send(
      new QueryCommand({
        TableName: env.resources.tables.inbound,
        KeyConditionExpression: 'id = :id',
        ExpressionAttributeValues: { ':id': id },
      }),
    );
    expect(items.Items).toHaveLength(2); // the record + one recipient index item
    expect(h.events.filter((e) => e.id === id)).toHaveLength(1);
    expect(h.metrics.counts[INBOUND_METRICS.duplicate]).toBeGreaterThanOrEqual(2);
  });

  it('the inline image is stored as an inline attachment with its Content-ID', async () => {
    const id = newMessageId();
    const record = await deliver('html-inline-image-outlook.eml', { id });
    expect(record!.attachments).toEqual([
      {
        filename: 'image001.png',
        contentType: 'image/png',
        size: 69,
        disposition: 'inline',
        contentId: 'image001.png@01D9F4E1.2B3C4D50',
        s3: { bucket: bucket(), key: `attachments/${id}/0` },
      },
    ]);
  });

  it('virus FAIL keeps the record but quarantines every attachment, never under the normal prefix', async () => {
    // Prepare
    const id = newMessageId();
    // Act
    const record = await deliver('hostile-filenames.eml', { id, virus: 'FAIL' });
    // Assess
    expect(record!.spamDetected).toBe(true);
    expect(record!.verdicts.virus).toBe('FAIL');
    expect(record!.attachments).toHaveLength(4);
    for (const [i, a] of record!.attachments.entries()) {
      expect(a).toMatchObject({ quarantined: true, s3: { bucket: bucket(), key: `quarantine/${id}/${i}` } });
    }
    const normal = await env.clients.s3.send(new ListObjectsV2Command({ Bucket: bucket(), Prefix: `attachments/${id}/` }));
    expect(normal.KeyCount ?? 0).toBe(0);
    const quarantined = await env.clients.s3.send(new ListObjectsV2Command({ Bucket: bucket(), Prefix: `quarantine/${id}/` }));
    expect(quarantined.KeyCount).toBe(4);
    expect(h.events.find((e) => e.id === id)).toMatchObject({ quarantined: true, spamDetected: true });
    expect(h.metrics.counts[INBOUND_METRICS.quarantined]).toBeGreaterThanOrEqual(1);
  });

  it('hostile filenames stay data: every object key is generated', async () => {
    const id = newMessageId();
    const record = await deliver('hostile-filenames.eml', { id });
    expect(record!.attachments.map((a) => a.filename)).toEqual([
      '../../etc/passwd',
      'CON',
      `${'a'.repeat(296)}.txt`,
      'evil\r\nX-Injected: yes\u0007\u0000.txt',
    ]);
    const listed = await env.clients.s3.send(new ListObjectsV2Command({ Bucket: bucket(), Prefix: `attachments/${id}/` }));
    expect(listed.Contents!.map((o) => o.Key).sort()).toEqual([0, 1, 2, 3].map((i) => `attachments/${id}/${i}`));
    const head = await env.clients.s3.send(new HeadObjectCommand({ Bucket: bucket(), Key: `attachments/${id}/3` }));
    expect(head.ContentDisposition).toBe(`attachment; filename*=UTF-8''evil%0D%0AX-Injected%3A%20yes%07%00.txt`);
  });

  it('refuses mail over the size limit before parsing, with a recorded reason', async () => {
    // Prepare
    const small = harness(env, { maxBytes: 500 });
    const id = newMessageId();
    await putRaw(env.clients.s3, bucket(), { id }, mimeFixture('attachments-nonascii-filenames.eml', 'crlf'));
    // Act
    await small.handler(event(s3Notification(bucket(), { id })));
    // Assess
    const record = await small.store.get(id);
    expect(record).toMatchObject({
      id,
      to: [],
      attachments: [],
      raw: { bucket: bucket(), key: `raw/${id}` },
      error: { code: 'too_large', retryable: false },
    });
    expect(record!.error!.message).toContain('over the 500-byte limit');
    expect(record!.subject).toBeUndefined();
    const listed = await env.clients.s3.send(new ListObjectsV2Command({ Bucket: bucket(), Prefix: `attachments/${id}/` }));
    expect(listed.KeyCount ?? 0).toBe(0);
    expect(small.events).toEqual([expect.objectContaining({ id, errorCode: 'too_large' })]);
    expect(small.metrics.dimensioned).toContainEqual({ name: INBOUND_METRICS.keptWithError, dimensions: { code: 'too_large' } });
  });

  it('records raw_not_found when the object SES named is gone', async () => {
    const id = newMessageId();
    await h.handler(event(s3Notification(bucket(), { id })));
    expect(await h.store.get(id)).toMatchObject({ id, error: { code: 'raw_not_found' }, attachments: [] });
  });

  it.each(['sns-action-base64.json', 'sns-action-utf8.json'])(
    'SNS action (%s): decodes the content and stores it as the raw MIME',
    async (fixture) => {
      // Prepare
      const n = structuredClone(sesFixture(fixture)) as any;
      const id = newMessageId();
      n.mail.messageId = id;
      const expectedRaw = n.receipt.action.encoding === 'BASE64' ? Buffer.from(n.content, 'base64') : Buffer.from(n.content, 'utf8');
      // Act
      await h.handler(event(n));
      // Assess
      const record = await h.store.get(id);
      expect(record).toMatchObject({
        subject: 'Example subject',
        text: 'Example content\n',
        from: { address: 'sender@example.com' },
        raw: { bucket: bucket(), key: `received/${id}` },
      });
      expect(Buffer.from(await s3Text(`received/${id}`))).toEqual(expectedRaw);
    },
  );

  it('decrypts mail SES stored with KMS client-side encryption', async () => {
    // Prepare
    const kmsCalls: { context: Record<string, string> }[] = [];
    const withKms = harness(env, { decryptDataKey: fakeKms(kmsCalls) });
    const id = newMessageId();
    const encrypted = sesEncrypt(mimeFixture('windows-1252-qp.eml', 'crlf'), id);
    await putRaw(env.clients.s3, bucket(), { id, metadata: encrypted.metadata }, encrypted.body);
    // Act
    await withKms.handler(event(s3Notification(bucket(), { id })));
    // Assess
    const record = await withKms.store.get(id);
    expect(record).toMatchObject({ subject: '“Quoted” subject', text: '“Smart quotes” cost €50 – café crème brûlée.Soft break joined.\n' });
    expect(record!.error).toBeUndefined();
    expect(kmsCalls[0]!.context['aws:ses:message-id']).toBe(id);
  });

  it('records decrypt_failed for tampered encrypted mail', async () => {
    const withKms = harness(env, { decryptDataKey: fakeKms() });
    const id = newMessageId();
    const encrypted = sesEncrypt(mimeFixture('plain-text.eml', 'crlf'), id);
    encrypted.body[20] = encrypted.body[20]! ^ 0xff;
    await putRaw(env.clients.s3, bucket(), { id, metadata: encrypted.metadata }, encrypted.body);
    await withKms.handler(event(s3Notification(bucket(), { id })));
    expect(await withKms.store.get(id)).toMatchObject({ error: { code: 'decrypt_failed' }, to: [], attachments: [] });
  });

  it('moves bodies past the item size to S3 and points the record at them', async () => {
    // Prepare
    const id = newMessageId();
    const html = `<p>${'x'.repeat(400 * 1024)}</p>`;
    const mime = `From: a@sender.example\r\nTo: support@example.com\r\nSubject: big html\r\nContent-Type: text/html; charset=utf-8\r\n\r\n${html}\r\n`;
    await putRaw(env.clients.s3, bucket(), { id }, Buffer.from(mime));
    // Act
    await h.handler(event(s3Notification(bucket(), { id })));
    // Assess
    const record = await h.store.get(id);
    expect(record).toMatchObject({ subject: 'big html', bodies: { bucket: env.resources.buckets.payload, key: `bodies/${id}.json` } });
    expect(record!.html).toBeUndefined();
    const { readInboundBodies } = await import('../../../src/inbound/bodies.js');
    expect((await readInboundBodies(env.clients.s3, record!)).html).toBe(`${html}\n`);
  });

  it('keeps a mail whose headers alone overflow an item, with everything in S3 (record_too_large)', async () => {
    const id = newMessageId();
    const subject = 'S'.repeat(350 * 1024);
    const mime = `From: a@sender.example\r\nTo: support@example.com\r\nSubject: ${subject}\r\n\r\nhello\r\n`;
    await putRaw(env.clients.s3, bucket(), { id }, Buffer.from(mime));
    await h.handler(event(s3Notification(bucket(), { id })));
    const record = await h.store.get(id);
    expect(record).toMatchObject({ error: { code: 'record_too_large' }, bodies: { key: `bodies/${id}.json` }, to: [] });
    const { readInboundBodies } = await import('../../../src/inbound/bodies.js');
    const bodies = await readInboundBodies(env.clients.s3, record!);
    expect(bodies.subject).toBe(subject);
    expect(bodies.text).toBe('hello\n');
    expect((await h.store.listByRecipient('support@example.com', { limit: 100 })).map((s) => s.id)).toContain(id);
  });

  it('keeps a long subject whole in the record and cut to 256 characters in the recipient index', async () => {
    const id = newMessageId();
    const subject = 'L'.repeat(100 * 1024);
    const mime = `From: a@sender.example\r\nTo: support@example.com\r\nSubject: ${subject}\r\n\r\nhello\r\n`;
    await putRaw(env.clients.s3, bucket(), { id, recipients: ['long@example.com'] }, Buffer.from(mime));
    await h.handler(event(s3Notification(bucket(), { id, recipients: ['long@example.com'] })));
    expect((await h.store.get(id))!.subject).toBe(subject);
    expect((await h.store.listByRecipient('long@example.com'))[0]!.subject).toBe('L'.repeat(256));
  });

  it('after a failure past the uploads, the retry reuses the stored attachments (HeadObject, no upload)', async () => {
    // Prepare: the first attempt fails to store the record after the attachments went up.
    const id = newMessageId();
    await putRaw(env.clients.s3, bucket(), { id }, mimeFixture('attachments-nonascii-filenames.eml', 'crlf'));
    // DynamoDB Local cannot be made to throttle one write on demand: this store fails its put
    // the way a throttled TransactWriteItems does, after the attachments are in S3.
    class ThrottledStore extends InboundStore {
      override async put(): Promise<never> {
        throw new InboundStorageError('dynamodb put (inbound record)', { id }, { cause: new Error('ThrottlingException') });
      }
    }
    const broken = harness(env, { store: new ThrottledStore(env.clients.doc, env.resources.tables.inbound) });
    await expect(broken.handler(event(s3Notification(bucket(), { id })))).rejects.toBeInstanceOf(InboundStorageError);
    const calls = countS3Commands(env.clients.s3);
    // Act
    await h.handler(event(s3Notification(bucket(), { id })));
    // Assess
    expect(calls.counts['PutObjectCommand'] ?? 0).toBe(0);
    expect(calls.counts['CreateMultipartUploadCommand'] ?? 0).toBe(0);
    expect(calls.counts['HeadObjectCommand']).toBe(4);
    const record = await h.store.get(id);
    expect(record!.attachments.map((a) => a.size)).toEqual([19, 15, 11, 14]); // sizes from HeadObject; the text part keeps its CRLF;
  });

  it('retries (throws) when S3 fails transiently: a bucket we cannot write attachments to', async () => {
    const id = newMessageId();
    await putRaw(env.clients.s3, bucket(), { id }, mimeFixture('attachments-nonascii-filenames.eml', 'crlf'));
    const noBucket = harness(env, { bucket: 'no-such-bucket-for-attachments' });
    await expect(noBucket.handler(event(s3Notification(bucket(), { id })))).rejects.toBeInstanceOf(InboundStorageError);
    expect(await h.store.get(id)).toBeUndefined();
  });

  it('S3 object written with a different key layout than the notification names is not guessed at', async () => {
    const id = newMessageId();
    await env.clients.s3.send(new PutObjectCommand({ Bucket: bucket(), Key: `elsewhere/${id}`, Body: mimeFixture('plain-text.eml') }));
    await h.handler(event(s3Notification(bucket(), { id })));
    expect((await h.store.get(id))!.error!.code).toBe('raw_not_found');
  });
});
