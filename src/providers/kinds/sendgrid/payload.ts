/**
 * A contract email → the JSON of SendGrid's v3 Mail Send (POST /v3/mail/send,
 * https://www.twilio.com/docs/sendgrid/api-reference/mail-send/mail-send):
 *
 * - `personalizations`: one with every to/cc/bcc; with mergeData, one per `to`, each carrying
 *   the cc/bcc copies (as Anymail does) and that recipient's data;
 * - merge data goes to `dynamic_template_data` with a dynamic template (`template_id`), or to
 *   legacy `substitutions` (`{{key}}` → value, strings) without one: the `{{var}}` syntax of
 *   Mailroom's other adapters;
 * - `content` in the order SendGrid requires: text/plain, text/x-amp-html, text/html;
 * - `attachments` (base64, `disposition: inline` with `content_id` for inline images);
 * - `custom_args`: `mailroom_id` and the metadata as strings (./fields.ts); `categories` = tags;
 * - `send_at` (unix seconds) for a future sendAt; `tracking_settings` for trackOpens/trackClicks.
 */
import { type Mailbox, parseMailbox } from '../../../contract/address.js';
import type { EmailMessage } from '../../../contract/message.js';
import type { ResolvedAttachment } from '../../email/attachments.js';
import type { SendContext } from '../../types.js';
import { MESSAGE_ID_ARG } from './fields.js';

type Address = { email: string; name?: string };
type Personalization = {
  to: Address[];
  cc?: Address[];
  bcc?: Address[];
  dynamic_template_data?: Record<string, unknown>;
  substitutions?: Record<string, string>;
};

export interface SendgridRequest {
  readonly body: Record<string, unknown>;
  /** Lower-cased to, cc and bcc addresses. */
  readonly recipients: readonly string[];
}

const address = (m: Mailbox): Address => (m.name ? { email: m.address, name: m.name } : { email: m.address });
const lower = (m: Mailbox) => m.address.toLowerCase();

function substitutions(data: Readonly<Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(data))
    Object.defineProperty(out, `{{${k}}}`, {
      value: typeof v === 'string' ? v : JSON.stringify(v),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return out;
}

function personalizations(m: EmailMessage): Personalization[] {
  const stored = m.template !== undefined;
  const global = { ...(m.mergeGlobalData ?? {}), ...(m.template?.data ?? {}) };
  const copies = { ...(m.cc?.length ? { cc: m.cc.map(address) } : {}), ...(m.bcc?.length ? { bcc: m.bcc.map(address) } : {}) };
  const withData = (p: Personalization, data: Record<string, unknown>): Personalization => {
    if (Object.keys(data).length === 0) return p;
    return stored ? { ...p, dynamic_template_data: data } : { ...p, substitutions: substitutions(data) };
  };
  if (!m.mergeData) {
    // A message with only cc/bcc still needs a `to` in its personalization: SendGrid requires one.
    const to = m.to?.length ? m.to.map(address) : [];
    return [withData({ to, ...copies }, global)];
  }
  const byAddress = new Map<string, Record<string, unknown>>();
  for (const [key, data] of Object.entries(m.mergeData)) {
    const parsed = parseMailbox(key);
    byAddress.set(parsed.ok ? parsed.value.address.toLowerCase() : key.toLowerCase(), data);
  }
  return (m.to ?? []).map((to) => withData({ to: [address(to)], ...copies }, { ...global, ...(byAddress.get(lower(to)) ?? {}) }));
}

export function buildSendgridRequest(
  m: EmailMessage,
  attachments: readonly ResolvedAttachment[],
  ctx: SendContext,
  now: Date,
): SendgridRequest {
  const content = [
    ...(m.text !== undefined ? [{ type: 'text/plain', value: m.text }] : []),
    ...(m.amp !== undefined ? [{ type: 'text/x-amp-html', value: m.amp }] : []),
    ...(m.html !== undefined ? [{ type: 'text/html', value: m.html }] : []),
  ];
  const customArgs: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.metadata ?? {}))
    Object.defineProperty(customArgs, k, { value: String(v), enumerable: true, writable: true, configurable: true });
  customArgs[MESSAGE_ID_ARG] = ctx.messageId;
  const tags = [...new Set(m.tags ?? ctx.tags ?? [])];
  const tracking = {
    ...(m.trackOpens !== undefined ? { open_tracking: { enable: m.trackOpens } } : {}),
    ...(m.trackClicks !== undefined ? { click_tracking: { enable: m.trackClicks, enable_text: m.trackClicks } } : {}),
  };
  const body: Record<string, unknown> = {
    personalizations: personalizations(m),
    from: address(m.from),
    ...(m.replyTo?.length === 1 ? { reply_to: address(m.replyTo[0]!) } : {}),
    ...(m.replyTo && m.replyTo.length > 1 ? { reply_to_list: m.replyTo.map(address) } : {}),
    ...(m.subject !== undefined ? { subject: m.subject } : {}),
    ...(content.length ? { content } : {}),
    ...(attachments.length
      ? {
          attachments: attachments.map((a) => ({
            content: a.content.toString('base64'),
            filename: a.filename,
            type: a.contentType,
            disposition: a.inline ? 'inline' : 'attachment',
            ...(a.contentId !== undefined ? { content_id: a.contentId } : {}),
          })),
        }
      : {}),
    ...(m.headers && Object.keys(m.headers).length ? { headers: { ...m.headers } } : {}),
    ...(tags.length ? { categories: tags } : {}),
    custom_args: customArgs,
    ...(m.template && 'name' in m.template ? { template_id: m.template.name } : {}),
    ...(m.sendAt !== undefined && Date.parse(m.sendAt) > now.getTime() ? { send_at: Math.floor(Date.parse(m.sendAt) / 1000) } : {}),
    ...(Object.keys(tracking).length ? { tracking_settings: tracking } : {}),
  };
  const recipients = [...new Set([...(m.to ?? []), ...(m.cc ?? []), ...(m.bcc ?? [])].map(lower))];
  return { body, recipients };
}
