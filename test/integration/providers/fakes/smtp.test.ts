import nodemailer from 'nodemailer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSmtpFake } from '../../../../src/providers/kinds/smtp/fake.js';
import { json, PDF, PNG_1PX, postJson } from './support.js';

let fake: Awaited<ReturnType<typeof startSmtpFake>>;
beforeEach(async () => {
  fake = await startSmtpFake({ instance: 'relay', credentials: { username: 'u', password: 'p' }, webhookBaseUrl: 'http://127.0.0.1:9' });
});
afterEach(async () => fake.stop());

const transport = (pass = 'p') =>
  nodemailer.createTransport({ host: fake.smtp.host, port: fake.smtp.port, secure: false, ignoreTLS: true, auth: { user: 'u', pass } });

const mail = {
  from: 'Shop <shop@example.com>',
  to: ['Alice <alice@example.com>', 'bob@example.com'],
  cc: 'carol@example.com',
  bcc: 'dave@example.com',
  replyTo: 'help@example.com',
  subject: 'Your order',
  text: 'Hello',
  html: '<p>Hello <img src="cid:logo@mailroom"></p>',
  headers: { 'X-Order': '42' },
  attachments: [
    { filename: 'invoice.pdf', content: PDF, contentType: 'application/pdf' },
    { filename: 'logo.png', content: PNG_1PX, contentType: 'image/png', cid: 'logo@mailroom' },
  ],
};

describe('SMTP fake', () => {
  it('refuses wrong credentials with 535', async () => {
    await expect(transport('wrong').sendMail(mail)).rejects.toMatchObject({ responseCode: 535 });
  });

  it('accepts an authenticated message and lists it parsed, bcc from the envelope', async () => {
    const info = await transport().sendMail(mail);
    expect(info.response).toContain('queued as fake-smtp-00000001');
    const [message] = (await json(await fetch(`${fake.baseUrl}/_fake/messages`))) as Array<Record<string, unknown>>;
    expect(message).toMatchObject({
      id: 'fake-smtp-00000001',
      from: 'Shop <shop@example.com>',
      to: ['Alice <alice@example.com>', 'bob@example.com'],
      cc: ['carol@example.com'],
      bcc: ['dave@example.com'],
      replyTo: ['help@example.com'],
      subject: 'Your order',
      text: 'Hello',
      html: '<p>Hello <img src="cid:logo@mailroom"></p>',
      // In MIME order: nodemailer puts the inline image in multipart/related beside the html,
      // before the multipart/mixed attachment.
      attachments: [
        { filename: 'logo.png', contentType: 'image/png', size: PNG_1PX.length, disposition: 'inline', contentId: 'logo@mailroom' },
        { filename: 'invoice.pdf', contentType: 'application/pdf', size: PDF.length, disposition: 'attachment' },
      ],
      headers: { 'X-Order': '42' },
      extra: {
        envelope: { from: 'shop@example.com', rcpt: ['alice@example.com', 'bob@example.com', 'carol@example.com', 'dave@example.com'] },
      },
    });
  });

  it('gives a fault status as the SMTP reply to MAIL FROM, count times', async () => {
    await postJson(`${fake.baseUrl}/_fake/faults`, { status: 451, count: 1 });
    await expect(transport().sendMail(mail)).rejects.toMatchObject({ responseCode: 451 });
    await expect(transport().sendMail(mail)).resolves.toMatchObject({ accepted: expect.any(Array) });
  });

  it('drops the connection for status 0', async () => {
    await postJson(`${fake.baseUrl}/_fake/faults`, { status: 0, count: 1 });
    await expect(transport().sendMail(mail)).rejects.toThrow();
    expect(((await json(await fetch(`${fake.baseUrl}/_fake/messages`))) as unknown[]).length).toBe(0);
  });

  it('answers _fake/events with 422: SMTP has no webhooks', async () => {
    await transport().sendMail(mail);
    const res = await postJson(`${fake.baseUrl}/_fake/events`, { messageId: 'fake-smtp-00000001', event: 'delivered' });
    expect(res.status).toBe(422);
  });
});
