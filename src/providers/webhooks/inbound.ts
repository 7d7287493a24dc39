/**
 * Inbound mail from provider webhooks → the §4 record shape, minus what needs storage.
 * Attachments come back as buffers with their metadata; the caller stores them in S3 under keys
 * WE generate (src/inbound/attachments.ts `attachmentKey(record.id, index, …)`, never from the
 * sender's filename) and fills `attachments[].s3` and `raw`. Addresses, subject, date and
 * Message-ID are read by the same MIME parser SES mail goes through (src/inbound/parse.ts), from
 * the whole MIME when the provider sends it, or from the header block it forwards.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { InboundRecord } from '../../contract/records.js';
import { INBOUND_ID_PATTERN } from '../../inbound/notification.js';
import { parseMime } from '../../inbound/parse.js';
import type { AttachmentMeta, AttachmentSink, ParsedMail } from '../../inbound/types.js';

export interface WebhookInboundAttachment {
  /** Position among the mail's attachments (inline parts included): the S3 key's last part. */
  readonly index: number;
  readonly filename?: string;
  readonly contentType: string;
  readonly disposition: 'attachment' | 'inline';
  readonly contentId?: string;
  readonly content: Buffer;
}

/** The record without `attachments` and `raw` (the caller adds both after storing them). */
export type WebhookInboundRecord = Omit<InboundRecord, 'attachments' | 'raw'>;

export interface WebhookInbound {
  readonly record: WebhookInboundRecord;
  readonly attachments: readonly WebhookInboundAttachment[];
  /** The MIME as the provider sent it, when it did (SendGrid raw mode, Mailgun `body-mime`), to store as `raw`. */
  readonly rawMime?: Buffer;
}

/** `<instance>.<provider id>` (inbound ids may hold letters, digits, `.`, `_`, `-`); ids outside that set are hashed. */
export function inboundId(instance: string, providerId: string | undefined, fingerprint: string | Buffer): string {
  const candidate = providerId ? `${instance}.${providerId.replace(/^<|>$/g, '')}` : undefined;
  if (candidate && INBOUND_ID_PATTERN.test(candidate)) return candidate;
  const digest = createHash('sha256')
    .update(providerId ?? fingerprint)
    .digest('hex')
    .slice(0, 40);
  return `${instance}.${digest}`;
}

/** Collects attachment content in memory (a webhook body is already in memory: no streaming to gain). */
function bufferingSink(into: WebhookInboundAttachment[]): AttachmentSink {
  return {
    async store(meta: AttachmentMeta, content: Readable) {
      const chunks: Buffer[] = [];
      for await (const chunk of content) chunks.push(Buffer.from(chunk as Buffer));
      const buffer = Buffer.concat(chunks);
      into.push({
        index: meta.index,
        contentType: meta.contentType,
        disposition: meta.disposition,
        content: buffer,
        ...(meta.filename !== undefined ? { filename: meta.filename } : {}),
        ...(meta.contentId !== undefined ? { contentId: meta.contentId } : {}),
      });
      return { s3: { bucket: '', key: '' }, size: buffer.length };
    },
  };
}

/** A whole MIME message: headers, bodies and attachments (as buffers). */
export async function parseWholeMime(mime: Buffer): Promise<{ mail: ParsedMail; attachments: WebhookInboundAttachment[] }> {
  const attachments: WebhookInboundAttachment[] = [];
  const mail = await parseMime(Readable.from([mime]), bufferingSink(attachments));
  return { mail, attachments };
}

/** Only a header block (the provider parsed the bodies itself): addresses, subject, date, Message-ID. */
export async function parseHeaderBlock(headers: string): Promise<ParsedMail> {
  const block = headers.replace(/\r?\n/g, '\r\n').replace(/(\r\n)+$/, '');
  const { mail } = await parseWholeMime(Buffer.from(`${block}\r\n\r\n`, 'utf8'));
  return mail;
}

/** Header lines from `[[name, value], …]` (Mailgun's `message-headers`); entries of another shape skipped. */
export function headerBlockOf(pairs: unknown): string {
  if (!Array.isArray(pairs)) return '';
  const lines: string[] = [];
  for (const pair of pairs) {
    if (!Array.isArray(pair) || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') continue;
    // A name or value with a line break would forge other headers: dropped.
    if (/[\r\n:]/.test(pair[0]) || /[\r\n]/.test(pair[1])) continue;
    lines.push(`${pair[0]}: ${pair[1]}`);
  }
  return lines.join('\r\n');
}

/** The header and body fields every provider's record shares. */
export function recordFields(mail: ParsedMail): Omit<WebhookInboundRecord, 'id' | 'receivedAt' | 'envelopeRecipients' | 'verdicts'> {
  return {
    ...(mail.from ? { from: mail.from } : {}),
    to: mail.to,
    cc: mail.cc,
    replyTo: mail.replyTo,
    ...(mail.subject !== undefined ? { subject: mail.subject } : {}),
    ...(mail.date !== undefined ? { date: mail.date } : {}),
    ...(mail.messageIdHeader !== undefined ? { messageIdHeader: mail.messageIdHeader } : {}),
    ...(mail.text !== undefined ? { text: mail.text } : {}),
    ...(mail.html !== undefined ? { html: mail.html } : {}),
  };
}
