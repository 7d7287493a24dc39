/**
 * SendGrid Inbound Parse → a §4 record. SendGrid posts multipart/form-data in one of two modes:
 * - raw ("POST the raw, full MIME message"): the MIME in `email`, handed to our MIME parser;
 * - parsed (default): `headers` (the header block), `text`, `html`, `attachments` (a count),
 *   `attachment1…N` (files), `attachment-info` and `content-ids` (JSON), `charsets`.
 * Both add `envelope` (JSON `{to: [...], from}`), `SPF`, `dkim`, `spam_score`, `sender_ip`.
 * https://www.twilio.com/docs/sendgrid/for-developers/parsing-email/setting-up-the-inbound-parse-webhook
 * https://www.twilio.com/docs/sendgrid/for-developers/parsing-email/inbound-email
 */
import { createHash } from 'node:crypto';
import type { Verdict } from '../../../contract/records.js';
import { type FormPayload, formField, isFormPayload } from '../../webhooks/body.js';
import { WebhookRefusedError } from '../../webhooks/errors.js';
import { recipientKeyOf } from '../../webhooks/events.js';
import {
  inboundId,
  parseHeaderBlock,
  parseWholeMime,
  recordFields,
  type WebhookInbound,
  type WebhookInboundAttachment,
} from '../../webhooks/inbound.js';
import type { WebhookContext } from '../../webhooks/types.js';

export async function normalizeInbound(payload: unknown, ctx: WebhookContext): Promise<WebhookInbound> {
  if (!isFormPayload(payload)) throw new WebhookRefusedError('malformed', 'sendgrid: Inbound Parse posts a form');
  const raw = formField(payload, 'email');
  const headers = formField(payload, 'headers') ?? '';
  const parsed =
    raw !== undefined
      ? await parseWholeMime(Buffer.from(raw, 'utf8'))
      : { mail: await parseHeaderBlock(headers), attachments: formAttachments(payload) };
  const text = formField(payload, 'text');
  const html = formField(payload, 'html');
  const mail = raw !== undefined ? parsed.mail : { ...parsed.mail, ...(text ? { text } : {}), ...(html ? { html } : {}) };
  const envelope = envelopeOf(payload);
  const envelopeRecipients = envelope.to.length
    ? envelope.to
    : mail.to.map((m) => recipientKeyOf(m.address)).filter((r): r is string => !!r);
  const fingerprint = createHash('sha256')
    .update(raw ?? headers)
    .update('\0')
    .update(envelopeRecipients.join(','))
    .digest('hex');
  const spamScore = Number(formField(payload, 'spam_score'));
  return {
    record: {
      id: inboundId(ctx.instance, undefined, fingerprint),
      receivedAt: ctx.receivedAt,
      ...(envelope.from ? { envelopeSender: envelope.from } : {}),
      envelopeRecipients,
      ...recordFields(mail),
      verdicts: { ...verdict('spf', formField(payload, 'SPF')), ...dkimVerdict(formField(payload, 'dkim')) },
      ...(formField(payload, 'spam_score') !== undefined && Number.isFinite(spamScore) ? { spamScore } : {}),
    },
    attachments: parsed.attachments,
    ...(raw !== undefined ? { rawMime: Buffer.from(raw, 'utf8') } : {}),
  };
}

function jsonField(form: FormPayload, name: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(formField(form, name) ?? 'null') as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function envelopeOf(form: FormPayload): { to: string[]; from?: string } {
  const env = jsonField(form, 'envelope');
  const to = Array.isArray(env?.['to']) ? (env['to'] as unknown[]).map(recipientKeyOf).filter((r): r is string => !!r) : [];
  const from = recipientKeyOf(env?.['from']);
  return { to, ...(from ? { from } : {}) };
}

function verdict(name: 'spf', value: string | undefined): { spf?: Verdict } {
  if (!value) return {};
  const v = value.trim().toLowerCase();
  return { [name]: v === 'pass' ? 'PASS' : v === 'fail' || v === 'hardfail' ? 'FAIL' : 'GRAY' };
}

/** `dkim` is `{@domain : pass}` per signature; every one passing → PASS, any failing → FAIL. */
function dkimVerdict(value: string | undefined): { dkim?: Verdict } {
  if (!value) return {};
  const results = [...value.matchAll(/:\s*([a-z]+)/gi)].map((m) => m[1]!.toLowerCase());
  if (!results.length) return { dkim: 'GRAY' };
  if (results.some((r) => r === 'fail')) return { dkim: 'FAIL' };
  return { dkim: results.every((r) => r === 'pass') ? 'PASS' : 'GRAY' };
}

/** `attachment1…N` in N order, with `attachment-info` names and `content-ids` marking inline parts. */
function formAttachments(form: FormPayload): WebhookInboundAttachment[] {
  const info = jsonField(form, 'attachment-info') ?? {};
  const cids = jsonField(form, 'content-ids') ?? {};
  const cidOf = new Map<string, string>();
  for (const cid of Object.keys(cids)) if (typeof cids[cid] === 'string') cidOf.set(cids[cid] as string, cid.replace(/^<|>$/g, ''));
  const files = form.files
    .filter((f) => /^attachment\d+$/.test(f.field))
    .sort((a, b) => Number(a.field.slice(10)) - Number(b.field.slice(10)));
  return files.map((f, index) => {
    const meta =
      Object.hasOwn(info, f.field) && typeof info[f.field] === 'object' && info[f.field] !== null
        ? (info[f.field] as Record<string, unknown>)
        : {};
    const contentId = cidOf.get(f.field) ?? (typeof meta['content-id'] === 'string' ? meta['content-id'].replace(/^<|>$/g, '') : undefined);
    const filename = f.filename ?? (typeof meta['filename'] === 'string' ? meta['filename'] : undefined);
    return {
      index,
      contentType: f.contentType,
      disposition: contentId ? 'inline' : 'attachment',
      content: f.content,
      ...(filename ? { filename } : {}),
      ...(contentId ? { contentId } : {}),
    };
  });
}
