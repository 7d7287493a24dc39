/**
 * Postmark inbound webhook → a §4 record. Postmark parses the mail itself and posts JSON:
 * `FromFull`, `ToFull`, `CcFull`, `BccFull` (`{Email, Name, MailboxHash}`), `OriginalRecipient`,
 * `ReplyTo`, `Subject`, `Date`, `MessageID` (Postmark's id), `TextBody`, `HtmlBody`, `Headers`
 * (`[{Name, Value}]`, Message-ID and SpamAssassin's X-Spam-* among them), `Attachments`
 * (`[{Name, Content (base64), ContentType, ContentLength, ContentID}]`) and, when the server
 * includes it, `RawEmail`.
 * https://postmarkapp.com/developer/webhooks/inbound-webhook
 * https://postmarkapp.com/developer/user-guide/inbound/parse-an-email
 */
import * as z from 'zod';
import type { InboundRecord } from '../../../contract/records.js';
import { WebhookRefusedError } from '../../webhooks/errors.js';
import { recipientKeyOf, toIsoUtc } from '../../webhooks/events.js';
import { inboundId, type WebhookInbound, type WebhookInboundAttachment } from '../../webhooks/inbound.js';
import { opt, str } from '../../webhooks/lenient.js';
import type { WebhookContext } from '../../webhooks/types.js';

const mailbox = z.object({ Email: str, Name: str });
const mailboxes = opt(z.array(z.unknown())).transform((list) =>
  (list ?? []).map((m) => mailbox.safeParse(m)).flatMap((r) => (r.success && r.data.Email ? [r.data] : [])),
);
const inbound = z.object({
  MessageID: str,
  FromFull: opt(mailbox),
  From: str,
  ToFull: mailboxes,
  CcFull: mailboxes,
  BccFull: mailboxes,
  OriginalRecipient: str,
  ReplyTo: str,
  Subject: str,
  Date: str,
  TextBody: str,
  HtmlBody: str,
  RawEmail: str,
  Headers: opt(z.array(z.unknown())),
  Attachments: opt(z.array(z.unknown())),
});
const attachment = z.object({ Name: str, Content: str, ContentType: str, ContentID: str });

export async function normalizeInbound(payload: unknown, ctx: WebhookContext): Promise<WebhookInbound> {
  const parsed = inbound.safeParse(payload);
  if (!parsed.success || typeof payload !== 'object' || payload === null)
    throw new WebhookRefusedError('malformed', 'postmark: not an inbound message object');
  const d = parsed.data;
  const header = (name: string) => headerValue(d.Headers, name);
  const box = (m: { Email?: string; Name?: string }) => ({ address: m.Email!, ...(m.Name ? { name: m.Name } : {}) });
  const from = d.FromFull?.Email ? box(d.FromFull) : d.From ? { address: d.From } : undefined;
  const to = d.ToFull.map(box);
  const cc = d.CcFull.map(box);
  const envelope = [
    d.OriginalRecipient,
    ...d.ToFull.map((m) => m.Email),
    ...d.CcFull.map((m) => m.Email),
    ...d.BccFull.map((m) => m.Email),
  ];
  const envelopeRecipients = [...new Set(envelope.map(recipientKeyOf).filter((r): r is string => !!r))];
  const spamStatus = header('X-Spam-Status');
  const spamScore = Number(header('X-Spam-Score'));
  const date = toIsoUtc(d.Date) ?? (d.Date && Number.isFinite(Date.parse(d.Date)) ? new Date(Date.parse(d.Date)).toISOString() : undefined);
  const messageIdHeader = header('Message-ID');
  const record: Omit<InboundRecord, 'attachments' | 'raw'> = {
    id: inboundId(ctx.instance, d.MessageID, JSON.stringify(payload)),
    receivedAt: ctx.receivedAt,
    envelopeRecipients,
    ...(from ? { from } : {}),
    to,
    cc,
    replyTo: d.ReplyTo ? [{ address: d.ReplyTo }] : [],
    ...(d.Subject !== undefined ? { subject: d.Subject } : {}),
    ...(date ? { date } : {}),
    ...(messageIdHeader ? { messageIdHeader } : {}),
    ...(d.TextBody ? { text: d.TextBody } : {}),
    ...(d.HtmlBody ? { html: d.HtmlBody } : {}),
    verdicts: spamStatus ? { spam: /^yes/i.test(spamStatus) ? 'FAIL' : 'PASS' } : {},
    ...(spamStatus ? { spamDetected: /^yes/i.test(spamStatus) } : {}),
    ...(header('X-Spam-Score') !== undefined && Number.isFinite(spamScore) ? { spamScore } : {}),
  };
  return { record, attachments: attachmentsOf(d.Attachments), ...(d.RawEmail ? { rawMime: Buffer.from(d.RawEmail, 'utf8') } : {}) };
}

function headerValue(headers: readonly unknown[] | undefined, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const h of headers ?? []) {
    if (typeof h !== 'object' || h === null) continue;
    const { Name, Value } = h as { Name?: unknown; Value?: unknown };
    if (typeof Name === 'string' && Name.toLowerCase() === wanted && typeof Value === 'string') return Value;
  }
  return undefined;
}

function attachmentsOf(list: readonly unknown[] | undefined): WebhookInboundAttachment[] {
  const out: WebhookInboundAttachment[] = [];
  for (const item of list ?? []) {
    const r = attachment.safeParse(item);
    if (!r.success || r.data.Content === undefined) continue;
    const contentId = r.data.ContentID?.replace(/^<|>$/g, '') || undefined;
    out.push({
      index: out.length,
      contentType: (r.data.ContentType || 'application/octet-stream').toLowerCase(),
      disposition: contentId ? 'inline' : 'attachment',
      content: Buffer.from(r.data.Content, 'base64'),
      ...(r.data.Name ? { filename: r.data.Name } : {}),
      ...(contentId ? { contentId } : {}),
    });
  }
  return out;
}
