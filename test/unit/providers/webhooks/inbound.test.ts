/**
 * Inbound webhook fixtures → the §4 record shape: Mailgun routes (parsed form and MIME),
 * SendGrid Inbound Parse (parsed and raw), Postmark inbound JSON. Attachments come back as
 * buffers for the caller to store under keys we generate; ids start with the instance name.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { INBOUND_ID_PATTERN } from '../../../../src/inbound/notification.js';
import { normalizeInbound as mailgunInbound, verify as mailgunVerify } from '../../../../src/providers/kinds/mailgun/webhook.js';
import { normalizeInbound as postmarkInbound, verify as postmarkVerify } from '../../../../src/providers/kinds/postmark/webhook.js';
import { normalizeInbound as sendgridInbound, verifyInbound as sendgridVerify } from '../../../../src/providers/kinds/sendgrid/webhook.js';
import { WebhookRefusedError } from '../../../../src/providers/webhooks/errors.js';
import type { WebhookInbound } from '../../../../src/providers/webhooks/inbound.js';
import {
  type InboundExpectation,
  RECEIVED_AT,
  type WebhookKind,
  webhookFixture,
  webhookFixtureNames,
} from '../../../support/webhook-fixtures.js';
import { NOW, request } from './support.js';

const MG_KEY = 'mailgun-signing-key';
const BASIC = { username: 'in', password: 'bound' };
const basic = `Basic ${Buffer.from('in:bound').toString('base64')}`;

/** The fixture's body, re-signed (Mailgun) or authenticated (SendGrid, Postmark) as the provider would. */
async function receive(kind: WebhookKind, name: string): Promise<WebhookInbound> {
  const f = webhookFixture<InboundExpectation>(kind, name);
  const ctx = { instance: `${kind}-in`, receivedAt: RECEIVED_AT };
  if (kind === 'postmark')
    return postmarkInbound(await postmarkVerify(request(JSON.stringify(f.payload), { authorization: basic }), BASIC), ctx);
  if (kind === 'sendgrid')
    return sendgridInbound(
      await sendgridVerify(request(f.body!, { 'content-type': f.contentType!, authorization: basic }), { publicKey: '', inbound: BASIC }),
      ctx,
    );
  const ts = String(Math.floor(NOW.getTime() / 1000));
  const token = createHmac('sha256', 'token').update(name).digest('hex').slice(0, 50);
  const signature = createHmac('sha256', MG_KEY)
    .update(ts + token)
    .digest('hex');
  const body = f.contentType!.startsWith('multipart')
    ? f
        .body!.replace(/(name="timestamp"\r\n\r\n)\d+/, `$1${ts}`)
        .replace(/(name="token"\r\n\r\n)\w+/, `$1${token}`)
        .replace(/(name="signature"\r\n\r\n)\w+/, `$1${signature}`)
    : f
        .body!.replace(/timestamp=\d+/, `timestamp=${ts}`)
        .replace(/token=\w+/, `token=${token}`)
        .replace(/signature=\w+/, `signature=${signature}`);
  return mailgunInbound(await mailgunVerify(request(body, { 'content-type': f.contentType! }), { signingKey: MG_KEY }, NOW), ctx);
}

describe.each(['mailgun', 'sendgrid', 'postmark'] as const)('%s inbound', (kind) => {
  it.each(webhookFixtureNames(kind, 'inbound'))('%s', async (name) => {
    // Prepare
    const { expect: want } = webhookFixture<InboundExpectation>(kind, name);
    // Act
    const { record, attachments, rawMime } = await receive(kind, name);
    // Assess
    expect(record.id.startsWith(`${kind}-in.`)).toBe(true);
    expect(record.id).toMatch(INBOUND_ID_PATTERN);
    expect(record.receivedAt).toBe(RECEIVED_AT);
    expect(record.from?.address).toBe(want.from);
    expect(record.to.map((m) => m.address)).toEqual(want.to);
    expect(record.cc.map((m) => m.address)).toEqual(want.cc);
    expect(record.subject).toBe(want.subject);
    expect(record.envelopeRecipients).toEqual(want.envelopeRecipients);
    if (want.text) expect(record.text?.trim()).toBe(want.text);
    if (want.spf) expect(record.verdicts.spf).toBe(want.spf);
    if (want.dkim) expect(record.verdicts.dkim).toBe(want.dkim);
    if (want.spamDetected !== undefined) expect(record.spamDetected).toBe(want.spamDetected);
    expect(attachments).toHaveLength(want.attachments);
    expect(attachments.filter((a) => a.disposition === 'inline')).toHaveLength(want.inline);
    attachments.forEach((a, i) => {
      expect(a.index).toBe(i);
      expect(Buffer.isBuffer(a.content) && a.content.length > 0).toBe(true);
    });
    expect(rawMime !== undefined).toBe(want.rawMime === true);
    expect(record).not.toHaveProperty('raw');
    expect(record).not.toHaveProperty('attachments');
  });

  it.each(webhookFixtureNames(kind, 'inbound'))('%s twice gives the same record id', async (name) => {
    expect((await receive(kind, name)).record.id).toBe((await receive(kind, name)).record.id);
  });
});

describe('inbound refusals', () => {
  it('refuses a body that is not the provider inbound shape', async () => {
    const ctx = { instance: 'x', receivedAt: RECEIVED_AT };
    await expect(mailgunInbound({ not: 'a form' }, ctx)).rejects.toBeInstanceOf(WebhookRefusedError);
    await expect(sendgridInbound([], ctx)).rejects.toBeInstanceOf(WebhookRefusedError);
    await expect(postmarkInbound('text', ctx)).rejects.toBeInstanceOf(WebhookRefusedError);
  });

  it('keeps the Postmark attachment content decoded from base64', async () => {
    const { attachments } = await receive('postmark', 'inbound');
    expect(attachments[0]!.content.toString()).toBe('This is attachment contents, base-64 encoded.');
    expect(attachments[1]).toMatchObject({ filename: 'logo.png', contentId: 'logo.png@01D0A3F1', disposition: 'inline' });
  });
});
