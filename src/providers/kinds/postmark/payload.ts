/**
 * A contract email → Postmark request(s) (https://postmarkapp.com/developer/api/email-api,
 * https://postmarkapp.com/developer/api/templates-api):
 *
 * - no template: POST /email with `TextBody`/`HtmlBody`;
 * - a stored template: POST /email/withTemplate with `TemplateAlias` (or `TemplateId` when the
 *   name is all digits) and `TemplateModel` = mergeGlobalData + template.data;
 * - mergeData (with a stored template): POST /email/batchWithTemplates, one message per `to`,
 *   each carrying the cc/bcc copies and its own TemplateModel; Postmark answers one result per
 *   message, so each recipient gets its own status.
 * Every message carries `Metadata.mailroom_id` and the metadata as strings (./fields.ts), the
 * first tag as `Tag`, `MessageStream`, and TrackOpens/TrackLinks when the message sets them.
 */
import { formatMailbox, type Mailbox, parseMailbox } from '../../../contract/address.js';
import type { EmailMessage } from '../../../contract/message.js';
import type { ResolvedAttachment } from '../../email/attachments.js';
import type { SendContext } from '../../types.js';
import { MESSAGE_ID_METADATA } from './fields.js';

export type PostmarkEndpoint = '/email' | '/email/withTemplate' | '/email/batchWithTemplates';

export interface PostmarkRequest {
  readonly endpoint: PostmarkEndpoint;
  readonly body: unknown;
  /** Batch: the lower-cased `to` of each message, in order (results follow it). */
  readonly to: readonly string[];
  /** Lower-cased cc/bcc (copied on every batch message); for single sends, every recipient is in `to`. */
  readonly copies: readonly string[];
}

const lower = (m: Mailbox) => m.address.toLowerCase();
const list = (ms: readonly Mailbox[] | undefined) => (ms?.length ? ms.map(formatMailbox).join(', ') : undefined);

function common(
  m: EmailMessage,
  attachments: readonly ResolvedAttachment[],
  ctx: SendContext,
  messageStream: string,
): Record<string, unknown> {
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.metadata ?? {}))
    Object.defineProperty(metadata, k, { value: String(v), enumerable: true, writable: true, configurable: true });
  metadata[MESSAGE_ID_METADATA] = ctx.messageId;
  const tag = (m.tags ?? ctx.tags ?? [])[0];
  return {
    From: formatMailbox(m.from),
    ...(m.cc?.length ? { Cc: list(m.cc) } : {}),
    ...(m.bcc?.length ? { Bcc: list(m.bcc) } : {}),
    ...(m.replyTo?.length ? { ReplyTo: list(m.replyTo) } : {}),
    ...(m.headers && Object.keys(m.headers).length ? { Headers: Object.entries(m.headers).map(([Name, Value]) => ({ Name, Value })) } : {}),
    ...(tag !== undefined ? { Tag: tag } : {}),
    Metadata: metadata,
    ...(attachments.length
      ? {
          Attachments: attachments.map((a) => ({
            Name: a.filename,
            Content: a.content.toString('base64'),
            ContentType: a.contentType,
            // Postmark has no disposition: a ContentID ("cid:…") makes the part inline.
            ...(a.inline && a.contentId !== undefined ? { ContentID: `cid:${a.contentId}` } : {}),
          })),
        }
      : {}),
    MessageStream: messageStream,
    ...(m.trackOpens !== undefined ? { TrackOpens: m.trackOpens } : {}),
    ...(m.trackClicks !== undefined ? { TrackLinks: m.trackClicks ? 'HtmlAndText' : 'None' } : {}),
  };
}

function templateRef(name: string): Record<string, unknown> {
  return /^\d+$/.test(name) ? { TemplateId: Number(name) } : { TemplateAlias: name };
}

export function buildPostmarkRequest(
  m: EmailMessage,
  attachments: readonly ResolvedAttachment[],
  ctx: SendContext,
  messageStream: string,
): PostmarkRequest {
  const base = common(m, attachments, ctx, messageStream);
  const copies = [...new Set([...(m.cc ?? []), ...(m.bcc ?? [])].map(lower))];
  const template = m.template && 'name' in m.template ? m.template : undefined;
  const model = { ...(m.mergeGlobalData ?? {}), ...(template?.data ?? {}) };
  if (template && m.mergeData) {
    const byAddress = new Map<string, Record<string, unknown>>();
    for (const [key, data] of Object.entries(m.mergeData)) {
      const parsed = parseMailbox(key);
      byAddress.set(parsed.ok ? parsed.value.address.toLowerCase() : key.toLowerCase(), data);
    }
    const to = m.to ?? [];
    const messages = to.map((r) => ({
      ...base,
      To: formatMailbox(r),
      ...templateRef(template.name),
      TemplateModel: { ...model, ...(byAddress.get(lower(r)) ?? {}) },
    }));
    return { endpoint: '/email/batchWithTemplates', body: { Messages: messages }, to: to.map(lower), copies };
  }
  const all = [...new Set([...(m.to ?? []), ...(m.cc ?? []), ...(m.bcc ?? [])].map(lower))];
  const to = m.to?.length ? { To: list(m.to) } : {};
  if (template)
    return {
      endpoint: '/email/withTemplate',
      body: { ...base, ...to, ...templateRef(template.name), TemplateModel: model },
      to: all,
      copies: [],
    };
  return {
    endpoint: '/email',
    body: {
      ...base,
      ...to,
      Subject: m.subject,
      ...(m.text !== undefined ? { TextBody: m.text } : {}),
      ...(m.html !== undefined ? { HtmlBody: m.html } : {}),
    },
    to: all,
    copies: [],
  };
}
