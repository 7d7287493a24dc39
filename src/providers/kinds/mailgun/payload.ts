/**
 * A contract email → the multipart/form-data fields of Mailgun's messages API
 * (POST /v3/{domain}/messages, https://documentation.mailgun.com/docs/mailgun/api-reference/send/mailgun/messages):
 *
 * - `from`, `to`/`cc`/`bcc` (repeated), `subject`, `text`, `html`, `amp-html`;
 * - `h:Reply-To` (Mailgun has no reply-to parameter) and `h:<name>` for custom headers;
 * - `o:tag` (at most 3), `o:tracking-opens`/`o:tracking-clicks` (`yes`/`no`),
 *   `o:deliverytime` (RFC 2822) for a future sendAt;
 * - `v:mailroom_id` and `v:<key>` per metadata entry (./fields.ts), never shown to recipients;
 * - `template` + `t:variables` (JSON) for a stored template, `t:version` from providerOptions;
 * - `recipient-variables` for mergeData: batch sending, each `to` gets its own message and
 *   `%recipient.<key>%` in subject/text/html is replaced by its values
 *   (https://documentation.mailgun.com/docs/mailgun/user-manual/sending-messages/batch-sending);
 *   mergeGlobalData is merged into every recipient's variables (a recipient's own values win);
 * - `attachment` files, and `inline` files whose filename is the Content-ID (Mailgun names an
 *   inline part's Content-ID after its filename, so `cid:<contentId>` in the html resolves).
 */
import { formatMailbox, type Mailbox, parseMailbox } from '../../../contract/address.js';
import type { EmailMessage } from '../../../contract/message.js';
import type { ResolvedAttachment } from '../../email/attachments.js';
import type { MultipartFile, MultipartValue } from '../../http/body.js';
import type { SendContext } from '../../types.js';
import { MESSAGE_ID_VARIABLE, VARIABLE_FIELD_PREFIX } from './fields.js';

export interface MailgunRequest {
  readonly fields: Readonly<Record<string, MultipartValue>>;
  /** Lower-cased to, cc and bcc addresses. */
  readonly recipients: readonly string[];
}

/** `Fri, 04 Dec 2026 18:00:00 +0000` (RFC 2822, as o:deliverytime takes it). */
export function rfc2822(iso: string): string {
  return new Date(iso).toUTCString().replace(/GMT$/, '+0000');
}

const lower = (m: Mailbox) => m.address.toLowerCase();
const yesNo = (v: boolean | undefined) => (v === undefined ? undefined : v ? 'yes' : 'no');

function file(a: ResolvedAttachment, filename: string): MultipartFile {
  return { filename, contentType: a.contentType, data: a.content };
}

function recipientVariables(m: EmailMessage): string {
  const byAddress = new Map<string, Record<string, unknown>>();
  for (const [key, data] of Object.entries(m.mergeData ?? {})) {
    const parsed = parseMailbox(key);
    byAddress.set(parsed.ok ? parsed.value.address.toLowerCase() : key.toLowerCase(), data);
  }
  const out: Record<string, unknown> = {};
  for (const to of m.to ?? []) {
    Object.defineProperty(out, to.address, {
      value: { ...(m.mergeGlobalData ?? {}), ...(byAddress.get(lower(to)) ?? {}) },
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return JSON.stringify(out);
}

export function buildMailgunRequest(
  m: EmailMessage,
  attachments: readonly ResolvedAttachment[],
  ctx: SendContext,
  now: Date,
): MailgunRequest {
  const fields: Record<string, MultipartValue> = {
    from: formatMailbox(m.from),
    ...(m.to?.length ? { to: m.to.map(formatMailbox) } : {}),
    ...(m.cc?.length ? { cc: m.cc.map(formatMailbox) } : {}),
    ...(m.bcc?.length ? { bcc: m.bcc.map(formatMailbox) } : {}),
    subject: m.subject,
    text: m.text,
    html: m.html,
    'amp-html': m.amp,
    ...(m.replyTo?.length ? { 'h:Reply-To': m.replyTo.map(formatMailbox).join(', ') } : {}),
  };
  for (const [name, value] of Object.entries(m.headers ?? {})) fields[`h:${name}`] = value;
  const tags = [...new Set(m.tags ?? ctx.tags ?? [])];
  if (tags.length) fields['o:tag'] = tags;
  fields['o:tracking-opens'] = yesNo(m.trackOpens);
  fields['o:tracking-clicks'] = yesNo(m.trackClicks);
  if (m.sendAt !== undefined && Date.parse(m.sendAt) > now.getTime()) fields['o:deliverytime'] = rfc2822(m.sendAt);
  for (const [key, value] of Object.entries(m.metadata ?? {})) fields[VARIABLE_FIELD_PREFIX + key] = String(value);
  fields[VARIABLE_FIELD_PREFIX + MESSAGE_ID_VARIABLE] = ctx.messageId;
  if (m.template && 'name' in m.template) {
    fields.template = m.template.name;
    const data = { ...(m.mergeGlobalData ?? {}), ...(m.template.data ?? {}) };
    if (Object.keys(data).length) fields['t:variables'] = JSON.stringify(data);
    const version = m.providerOptions?.templateVersion;
    if (typeof version === 'string') fields['t:version'] = version;
  }
  if (m.mergeData) fields['recipient-variables'] = recipientVariables(m);
  const plain = attachments.filter((a) => !a.inline);
  const inline = attachments.filter((a) => a.inline);
  if (plain.length) fields.attachment = plain.map((a) => file(a, a.filename));
  if (inline.length) fields.inline = inline.map((a) => file(a, a.contentId ?? a.filename));
  const recipients = [...new Set([...(m.to ?? []), ...(m.cc ?? []), ...(m.bcc ?? [])].map(lower))];
  return { fields, recipients };
}
