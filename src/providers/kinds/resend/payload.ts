/**
 * A contract email → Resend request (https://resend.com/docs/api-reference/emails/send-email,
 * https://resend.com/docs/api-reference/emails/send-batch-emails):
 *
 * - POST /emails: from, to, cc, bcc, reply_to, subject, html, text, headers, attachments
 *   (base64 `content`, `content_type`, `content_id` for inline images), `scheduled_at`,
 *   `template: {id, variables}` for a stored template;
 * - mergeData (with a stored template): POST /emails/batch, one email per `to` with the cc/bcc
 *   copies and its own variables (strict validation: the batch is accepted or refused whole);
 * - `tags`: our id, the metadata and the contract tags, encoded by ./fields.ts.
 */
import { formatMailbox, type Mailbox, parseMailbox } from '../../../contract/address.js';
import type { EmailMessage } from '../../../contract/message.js';
import type { ResolvedAttachment } from '../../email/attachments.js';
import type { SendContext } from '../../types.js';
import { resendTags } from './fields.js';

export interface ResendRequest {
  readonly path: '/emails' | '/emails/batch';
  readonly body: unknown;
  /** Batch: the lower-cased `to` of each email, in order (data[] follows it). */
  readonly to: readonly string[];
  /** Lower-cased cc/bcc copied on every batch email; empty for a single send. */
  readonly copies: readonly string[];
}

const lower = (m: Mailbox) => m.address.toLowerCase();

function common(m: EmailMessage, attachments: readonly ResolvedAttachment[], ctx: SendContext, now: Date): Record<string, unknown> {
  return {
    from: formatMailbox(m.from),
    ...(m.cc?.length ? { cc: m.cc.map(formatMailbox) } : {}),
    ...(m.bcc?.length ? { bcc: m.bcc.map(formatMailbox) } : {}),
    ...(m.replyTo?.length ? { reply_to: m.replyTo.map(formatMailbox) } : {}),
    ...(m.subject !== undefined ? { subject: m.subject } : {}),
    ...(m.html !== undefined ? { html: m.html } : {}),
    ...(m.text !== undefined ? { text: m.text } : {}),
    ...(m.headers && Object.keys(m.headers).length ? { headers: { ...m.headers } } : {}),
    ...(attachments.length
      ? {
          attachments: attachments.map((a) => ({
            filename: a.filename,
            content: a.content.toString('base64'),
            content_type: a.contentType,
            ...(a.inline && a.contentId !== undefined ? { content_id: a.contentId } : {}),
          })),
        }
      : {}),
    tags: resendTags(ctx.messageId, m.metadata, m.tags ?? ctx.tags ?? []),
    ...(m.sendAt !== undefined && Date.parse(m.sendAt) > now.getTime() ? { scheduled_at: new Date(m.sendAt).toISOString() } : {}),
  };
}

export function buildResendRequest(
  m: EmailMessage,
  attachments: readonly ResolvedAttachment[],
  ctx: SendContext,
  now: Date,
): ResendRequest {
  const base = common(m, attachments, ctx, now);
  const template = m.template && 'name' in m.template ? m.template : undefined;
  const variables = { ...(m.mergeGlobalData ?? {}), ...(template?.data ?? {}) };
  if (template && m.mergeData) {
    const byAddress = new Map<string, Record<string, unknown>>();
    for (const [key, data] of Object.entries(m.mergeData)) {
      const parsed = parseMailbox(key);
      byAddress.set(parsed.ok ? parsed.value.address.toLowerCase() : key.toLowerCase(), data);
    }
    const to = m.to ?? [];
    const emails = to.map((r) => ({
      ...base,
      to: [formatMailbox(r)],
      template: { id: template.name, variables: { ...variables, ...(byAddress.get(lower(r)) ?? {}) } },
    }));
    return { path: '/emails/batch', body: emails, to: to.map(lower), copies: [...new Set([...(m.cc ?? []), ...(m.bcc ?? [])].map(lower))] };
  }
  const all = [...new Set([...(m.to ?? []), ...(m.cc ?? []), ...(m.bcc ?? [])].map(lower))];
  const body = {
    ...base,
    ...(m.to?.length ? { to: m.to.map(formatMailbox) } : {}),
    ...(template ? { template: { id: template.name, ...(Object.keys(variables).length ? { variables } : {}) } } : {}),
  };
  return { path: '/emails', body, to: all, copies: [] };
}
