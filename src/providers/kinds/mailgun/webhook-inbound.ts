/**
 * Mailgun inbound routes → a §4 record. A route's `forward("https://…")` action posts the
 * parsed message as a form (multipart when it has attachments): `recipient`, `sender`, `from`,
 * `subject`, `body-plain`, `body-html`, `message-headers` (JSON `[[name, value], …]`),
 * `attachment-count`, `attachment-1…n` (files), `content-id-map` (JSON `{"<cid>": "attachment-1"}`),
 * plus `timestamp`/`token`/`signature`. A URL ending in `mime` gets `body-mime` (the whole MIME)
 * instead of the parsed bodies. A `store(notify=…)` action posts the same fields, but its
 * attachments are a JSON `attachments` list of URLs on Mailgun's storage (fetching them needs
 * the API key: returned as `remoteAttachments` for the caller).
 * https://documentation.mailgun.com/docs/mailgun/user-manual/receive-forward-store/receive-http
 * https://documentation.mailgun.com/docs/mailgun/user-manual/receive-forward-store/storing-and-retrieving-messages
 */
import { createHash } from 'node:crypto';
import type { Verdict } from '../../../contract/records.js';
import { type FormPayload, formField, isFormPayload } from '../../webhooks/body.js';
import { WebhookRefusedError } from '../../webhooks/errors.js';
import { recipientKeyOf } from '../../webhooks/events.js';
import {
  headerBlockOf,
  inboundId,
  parseHeaderBlock,
  parseWholeMime,
  recordFields,
  type WebhookInbound,
  type WebhookInboundAttachment,
} from '../../webhooks/inbound.js';
import type { WebhookContext } from '../../webhooks/types.js';

export interface RemoteAttachment {
  readonly index: number;
  readonly url: string;
  readonly filename?: string;
  readonly contentType?: string;
  readonly size?: number;
}

export type MailgunInbound = WebhookInbound & { readonly remoteAttachments?: readonly RemoteAttachment[] };

export async function normalizeInbound(payload: unknown, ctx: WebhookContext): Promise<MailgunInbound> {
  if (!isFormPayload(payload)) throw new WebhookRefusedError('malformed', 'mailgun: an inbound route posts a form');
  const headerPairs = jsonField(payload, 'message-headers');
  const headers = headerBlockOf(headerPairs);
  const mime = formField(payload, 'body-mime');
  const parsed =
    mime !== undefined
      ? await parseWholeMime(Buffer.from(mime, 'utf8'))
      : { mail: await parseHeaderBlock(headers), attachments: formAttachments(payload) };
  const text = formField(payload, 'body-plain');
  const html = formField(payload, 'body-html');
  const mail = mime !== undefined ? parsed.mail : { ...parsed.mail, ...(text ? { text } : {}), ...(html ? { html } : {}) };
  const recipients = (formField(payload, 'recipient') ?? '')
    .split(',')
    .map(recipientKeyOf)
    .filter((r): r is string => !!r);
  const fingerprint = createHash('sha256')
    .update(headers || mime || '')
    .update('\0')
    .update(recipients.join(','))
    .digest('hex');
  const spam = headerValue(headerPairs, 'X-Mailgun-Sflag');
  const score = Number(headerValue(headerPairs, 'X-Mailgun-Sscore'));
  const remote = remoteAttachments(payload);
  const sender = recipientKeyOf(formField(payload, 'sender'));
  return {
    record: {
      id: inboundId(ctx.instance, undefined, fingerprint),
      receivedAt: ctx.receivedAt,
      ...(sender ? { envelopeSender: sender } : {}),
      envelopeRecipients: recipients,
      ...recordFields(mail),
      verdicts: {
        ...optionalVerdict('spf', headerValue(headerPairs, 'X-Mailgun-Spf')),
        ...optionalVerdict('dkim', headerValue(headerPairs, 'X-Mailgun-Dkim-Check-Result')),
        ...(spam ? { spam: spam.toLowerCase() === 'yes' ? ('FAIL' as const) : ('PASS' as const) } : {}),
      },
      ...(spam ? { spamDetected: spam.toLowerCase() === 'yes' } : {}),
      ...(Number.isFinite(score) && headerValue(headerPairs, 'X-Mailgun-Sscore') !== undefined ? { spamScore: score } : {}),
    },
    attachments: parsed.attachments,
    ...(mime !== undefined ? { rawMime: Buffer.from(mime, 'utf8') } : {}),
    ...(remote.length ? { remoteAttachments: remote } : {}),
  };
}

function jsonField(form: FormPayload, name: string): unknown {
  const value = formField(form, name);
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}

function headerValue(pairs: unknown, name: string): string | undefined {
  if (!Array.isArray(pairs)) return undefined;
  const wanted = name.toLowerCase();
  for (const p of pairs)
    if (Array.isArray(p) && typeof p[0] === 'string' && p[0].toLowerCase() === wanted && typeof p[1] === 'string') return p[1];
  return undefined;
}

function optionalVerdict(name: 'spf' | 'dkim', value: string | undefined): Partial<Record<'spf' | 'dkim', Verdict>> {
  if (!value) return {};
  const v = value.trim().toLowerCase();
  return { [name]: v === 'pass' ? 'PASS' : v === 'fail' ? 'FAIL' : 'GRAY' };
}

/** `attachment-N` files, in N order; `content-id-map` marks the inline ones. */
function formAttachments(form: FormPayload): WebhookInboundAttachment[] {
  const cidMap = jsonField(form, 'content-id-map');
  const cidOf = new Map<string, string>();
  if (typeof cidMap === 'object' && cidMap !== null && !Array.isArray(cidMap)) {
    for (const cid of Object.keys(cidMap)) {
      const field = (cidMap as Record<string, unknown>)[cid];
      if (typeof field === 'string') cidOf.set(field, cid.replace(/^<|>$/g, ''));
    }
  }
  const files = form.files
    .filter((f) => /^attachment-\d+$/.test(f.field))
    .sort((a, b) => Number(a.field.slice(11)) - Number(b.field.slice(11)));
  return files.map((f, index) => {
    const contentId = cidOf.get(f.field);
    return {
      index,
      contentType: f.contentType,
      disposition: contentId ? 'inline' : 'attachment',
      content: f.content,
      ...(f.filename ? { filename: f.filename } : {}),
      ...(contentId ? { contentId } : {}),
    };
  });
}

function remoteAttachments(form: FormPayload): RemoteAttachment[] {
  const list = jsonField(form, 'attachments');
  if (!Array.isArray(list)) return [];
  const out: RemoteAttachment[] = [];
  for (const item of list) {
    if (typeof item !== 'object' || item === null) continue;
    const a = item as Record<string, unknown>;
    if (typeof a['url'] !== 'string') continue;
    out.push({
      index: out.length,
      url: a['url'],
      ...(typeof a['name'] === 'string' ? { filename: a['name'] } : {}),
      ...(typeof a['content-type'] === 'string' ? { contentType: a['content-type'] } : {}),
      ...(typeof a['size'] === 'number' ? { size: a['size'] } : {}),
    });
  }
  return out;
}
