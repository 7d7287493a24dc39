/**
 * The local adapters against the real local servers: email through aws-ses-v2-local (read
 * back from its GET /store), S3 attachments through s3rver, SMS into a FileSmsOutbox.
 */

import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateEmailTemplateCommand } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmailMessageInput, emailMessageSchema, smsMessageSchema } from '../../../src/contract/message.js';
import { LocalEmailProvider } from '../../../src/providers/email/local.js';
import { LocalSmsProvider } from '../../../src/providers/sms/local.js';
import { FileSmsOutbox } from '../../../src/providers/sms/outbox.js';
import type { SendContext } from '../../../src/providers/types.js';
import { type LocalEnv, localEnv } from '../../support/local.js';

/** What aws-ses-v2-local keeps per email (its store.ts). */
interface StoredEmail {
  messageId: string;
  from: string;
  replyTo: string[];
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { text?: string; html?: string };
  attachments: {
    content: string;
    contentType: string;
    contentDisposition?: string;
    contentId?: string;
    cid?: string;
    filename?: string;
    size: number;
  }[];
  headers?: { name: string; value: string }[];
}

const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const PDF = Buffer.from('%PDF-1.4\n% mailroom test\n%%EOF\n');

let env: LocalEnv;
let smsDir: string;

beforeAll(async () => {
  env = await localEnv();
  smsDir = await mkdtemp(join(tmpdir(), 'mailroom-sms-'));
});

afterAll(async () => {
  env.clients.destroy();
  await rm(smsDir, { recursive: true, force: true });
});

const ctx = (messageId: string): SendContext => ({ messageId, attempt: 1, ignoreUnsupportedFeatures: false });
const email = (input: Omit<EmailMessageInput, 'channel'>) => emailMessageSchema.parse({ channel: 'email', ...input });

async function stored(messageId: string): Promise<StoredEmail> {
  const response = await fetch(`${env.endpoints.sesv2}/store`);
  const store = (await response.json()) as { emails: StoredEmail[] };
  const found = store.emails.find((e) => e.messageId === messageId);
  expect(found, `email ${messageId} in the local SES store`).toBeDefined();
  return found!;
}

describe('local email adapter → aws-ses-v2-local', () => {
  it('delivers attachment, inline image, cc/bcc and custom headers intact', async () => {
    // Prepare
    const provider = new LocalEmailProvider(env.clients.sesv2, { configurationSet: 'mailroom-local' });
    const id = `it-${randomUUID()}`;
    const message = email({
      from: { name: 'Mailroom Test', address: 'sender@example.com' },
      to: ['Ann <ann@example.com>', 'bob@example.com'],
      cc: 'carol@example.com',
      bcc: 'audit@example.com',
      replyTo: 'support@example.com',
      subject: `Report ${id}`,
      text: 'See the attached report.',
      html: '<p>See the attached report.</p><img src="cid:logo@mailroom">',
      headers: { 'X-Campaign': 'spring-2025', 'X-Note': 'grüße' },
      attachments: [
        { filename: 'report.pdf', content: PDF.toString('base64'), contentType: 'application/pdf' },
        { filename: 'logo.png', content: PNG_1X1, disposition: 'inline', contentId: 'logo@mailroom' },
      ],
    });
    // Act
    const result = await provider.send(message, ctx(id));
    // Assess
    expect(result.provider).toBe('local');
    expect(Object.keys(result.recipients).sort()).toEqual(['ann@example.com', 'audit@example.com', 'bob@example.com', 'carol@example.com']);
    const mail = await stored(result.providerMessageId!);
    expect(mail.from).toBe('Mailroom Test <sender@example.com>');
    expect(mail.replyTo).toEqual(['support@example.com']);
    expect(mail.destination).toEqual({
      to: ['Ann <ann@example.com>', 'bob@example.com'],
      cc: ['carol@example.com'],
      bcc: ['audit@example.com'],
    });
    expect(mail.subject).toBe(`Report ${id}`);
    expect(mail.body).toEqual({ text: 'See the attached report.', html: '<p>See the attached report.</p><img src="cid:logo@mailroom">' });
    expect(mail.headers).toEqual([
      { name: 'X-Campaign', value: 'spring-2025' },
      { name: 'X-Note', value: '=?UTF-8?Q?gr=C3=BC=C3=9Fe?=' },
    ]);
    expect(mail.attachments).toHaveLength(2);
    const pdf = mail.attachments.find((a) => a.filename === 'report.pdf')!;
    expect(pdf).toMatchObject({ contentType: 'application/pdf', contentDisposition: 'ATTACHMENT', size: PDF.length });
    expect(Buffer.from(pdf.content, 'base64').equals(PDF)).toBe(true);
    const logo = mail.attachments.find((a) => a.filename === 'logo.png')!;
    expect(logo).toMatchObject({ contentType: 'image/png', contentDisposition: 'INLINE', contentId: 'logo@mailroom' });
    expect(logo.content).toBe(PNG_1X1);
  });

  it('sends AMP as Raw MIME that the local server parses back part by part', async () => {
    const provider = new LocalEmailProvider(env.clients.sesv2);
    const id = `it-${randomUUID()}`;
    const message = email({
      from: 'sender@example.com',
      to: 'ann@example.com',
      cc: 'carol@example.com',
      subject: `AMP ${id}`,
      text: 'plain',
      html: '<p>html <img src="cid:logo@mailroom"></p>',
      amp: '<!doctype html><html ⚡4email><head></head><body>amp</body></html>',
      attachments: [
        { filename: 'report.pdf', content: PDF.toString('base64') },
        { filename: 'logo.png', content: PNG_1X1, disposition: 'inline', contentId: 'logo@mailroom' },
      ],
    });
    const result = await provider.send(message, ctx(id));
    const mail = await stored(result.providerMessageId!);
    expect(mail.subject).toBe(`AMP ${id}`);
    expect(mail.destination.to).toEqual(['ann@example.com']);
    expect(mail.destination.cc).toEqual(['carol@example.com']);
    expect(mail.body.text?.trim()).toBe('plain');
    expect(mail.body.html).toContain('html');
    const pdf = mail.attachments.find((a) => a.filename === 'report.pdf')!;
    expect(Buffer.from(pdf.content, 'base64').equals(PDF)).toBe(true);
    const logo = mail.attachments.find((a) => a.cid === 'logo@mailroom')!;
    expect(logo.contentDisposition).toBe('inline');
    expect(logo.content).toBe(PNG_1X1);
  });

  it('reads an S3-referenced attachment from s3rver', async () => {
    const bucket = env.resources.buckets.payload;
    const key = `attachments/${randomUUID()}.csv`;
    const csv = 'id,total\n1,9.99\n';
    await env.clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: csv, ContentType: 'text/csv' }));
    const provider = new LocalEmailProvider(env.clients.sesv2, { s3: env.clients.s3 });
    const id = `it-${randomUUID()}`;
    const result = await provider.send(
      email({
        from: 'sender@example.com',
        to: 'ann@example.com',
        subject: `CSV ${id}`,
        text: 'attached',
        attachments: [{ filename: 'totals.csv', s3: { bucket, key } }],
      }),
      ctx(id),
    );
    const mail = await stored(result.providerMessageId!);
    expect(mail.attachments).toHaveLength(1);
    expect(mail.attachments[0]).toMatchObject({ filename: 'totals.csv', contentType: 'text/csv' });
    expect(Buffer.from(mail.attachments[0]!.content, 'base64').toString()).toBe(csv);
  });

  it('sends mergeData as one rendered email per recipient with its own message id', async () => {
    const provider = new LocalEmailProvider(env.clients.sesv2);
    const id = `it-${randomUUID()}`;
    const message = email({
      from: 'sender@example.com',
      to: ['ann@example.com', 'bob@example.com'],
      subject: `Hello {{name}} ${id}`,
      text: 'Your plan: {{plan}}',
      mergeData: { 'ann@example.com': { name: 'Ann', plan: 'pro' }, 'bob@example.com': { name: 'Bob' } },
      mergeGlobalData: { plan: 'free' },
    });
    const result = await provider.send(message, ctx(id));
    const ann = result.recipients['ann@example.com']!;
    const bob = result.recipients['bob@example.com']!;
    expect(ann.status).toBe('queued');
    expect(bob.status).toBe('queued');
    expect(ann.providerMessageId).not.toBe(bob.providerMessageId);
    const annMail = await stored(ann.providerMessageId!);
    const bobMail = await stored(bob.providerMessageId!);
    expect(annMail.destination.to).toEqual(['ann@example.com']);
    expect(annMail.subject).toBe(`Hello Ann ${id}`);
    expect(annMail.body.text).toBe('Your plan: pro');
    expect(bobMail.subject).toBe(`Hello Bob ${id}`);
    expect(bobMail.body.text).toBe('Your plan: free');
  });

  it('renders a stored template created on the local server', async () => {
    const name = `welcome-${randomUUID().slice(0, 8)}`;
    await env.clients.sesv2.send(
      new CreateEmailTemplateCommand({
        TemplateName: name,
        TemplateContent: { Subject: 'Welcome {{name}}', Text: 'Hi {{name}} from {{company}}' },
      }),
    );
    const provider = new LocalEmailProvider(env.clients.sesv2);
    const result = await provider.send(
      email({
        from: 'sender@example.com',
        to: 'ann@example.com',
        template: { name, data: { name: 'Ann' } },
        mergeGlobalData: { company: 'ACME' },
      }),
      ctx(`it-${randomUUID()}`),
    );
    const mail = await stored(result.providerMessageId!);
    expect(mail.subject).toBe('Welcome Ann');
    expect(mail.body.text).toBe('Hi Ann from ACME');
  });
});

describe('local SMS adapter → FileSmsOutbox', () => {
  it('lands the SMS in the outbox file, readable by another reader', async () => {
    // Prepare
    const path = join(smsDir, 'outbox.jsonl');
    const provider = new LocalSmsProvider(new FileSmsOutbox(path), { defaultSenderId: 'MAILROOM' });
    const message = smsMessageSchema.parse({ channel: 'sms', to: '+14155552671', body: 'Your code is 123456 – valid for 10 minutes' });
    // Act
    const result = await provider.send(message, ctx('sms-it-1'));
    // Assess: a fresh outbox on the same file stands in for `mailroom status` in another process.
    const found = await new FileSmsOutbox(path).find('sms-it-1');
    expect(found).toMatchObject({
      id: 'sms-it-1',
      providerMessageId: result.providerMessageId,
      to: '+14155552671',
      from: 'MAILROOM',
      body: 'Your code is 123456 – valid for 10 minutes',
      smsType: 'transactional',
      segments: 1,
      encoding: 'UCS-2',
    });
    expect(result.recipients['+14155552671']?.status).toBe('sent');
  });
});
