/**
 * One Resend email (the JSON of POST /emails, and each item of /emails/batch): validation
 * answered with Resend's error body `{statusCode, name, message}`, and the `_fake/messages` record.
 *
 * Written from:
 * - Send email: https://resend.com/docs/api-reference/emails/send-email
 * - Errors (missing_required_field, validation_error, invalid_attachment...):
 *   https://resend.com/docs/api-reference/errors
 * - Tags (ASCII letters, numbers, underscores, dashes; 256 chars):
 *   https://resend.com/docs/dashboard/emails/tags
 */
import { isValidAddress } from '../../fakes/address.js';
import type { FakeMessage } from '../../fakes/types.js';

type List = string | string[];
export type ResendEmail = {
  from?: string;
  to?: List;
  cc?: List;
  bcc?: List;
  reply_to?: List;
  subject?: string;
  html?: string;
  text?: string;
  headers?: Record<string, string>;
  attachments?: Array<{ filename?: string; content?: string; path?: string; content_type?: string; content_id?: string }>;
  tags?: Array<{ name?: string; value?: string }>;
  scheduled_at?: string;
  template?: unknown;
};

export interface ResendError {
  readonly statusCode: number;
  readonly name: string;
  readonly message: string;
}

const FORMAT = 'The email address needs to follow the `email@example.com` or `Name <email@example.com>` format.';
const list = (v: List | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const TAG = /^[A-Za-z0-9_-]{1,256}$/;

export const resendError = (statusCode: number, name: string, message: string): ResendError => ({ statusCode, name, message });
const missing = (field: string) => resendError(422, 'missing_required_field', `Missing \`${field}\` field.`);
const invalid = (message: string) => resendError(422, 'validation_error', message);

export function validateEmail(m: ResendEmail, inBatch: boolean): ResendError | undefined {
  if (typeof m !== 'object' || m === null || Array.isArray(m)) return invalid('The request body must be a JSON object.');
  if (!m.from) return missing('from');
  if (!isValidAddress(m.from)) return invalid(`Invalid \`from\` field. ${FORMAT}`);
  if (list(m.to).length === 0) return missing('to');
  for (const field of ['to', 'cc', 'bcc', 'reply_to'] as const)
    if (list(m[field]).some((a) => !isValidAddress(a))) return invalid(`Invalid \`${field}\` field. ${FORMAT}`);
  if (list(m.to).length > 50) return invalid('Too many recipients in `to`. The maximum is 50.');
  if (!m.template && !m.subject) return missing('subject');
  if (!m.template && !m.html && !m.text) return missing('html` or `text');
  if (inBatch && m.attachments) return invalid('The `attachments` field is not supported in batch sending.');
  if (inBatch && m.scheduled_at) return invalid('The `scheduled_at` field is not supported in batch sending.');
  for (const a of m.attachments ?? []) {
    if (!a.content && !a.path) return resendError(422, 'invalid_attachment', 'Attachment must have either a `content` or `path`.');
  }
  for (const t of m.tags ?? []) {
    if (!TAG.test(t.name ?? '') || !TAG.test(t.value ?? ''))
      return invalid('Tags should only contain ASCII letters, numbers, underscores, or dashes.');
  }
  if (m.scheduled_at !== undefined && Number.isNaN(Date.parse(m.scheduled_at)))
    return invalid('The `scheduled_at` field must be a valid ISO 8601 date.');
  return undefined;
}

export function recordEmail(m: ResendEmail, id: string, createdAt: string): FakeMessage {
  return {
    id,
    from: m.from,
    to: list(m.to),
    cc: list(m.cc),
    bcc: list(m.bcc),
    replyTo: list(m.reply_to),
    subject: m.subject,
    text: m.text,
    html: m.html,
    attachments: (m.attachments ?? []).map((a) => ({
      filename: a.filename ?? a.path?.split('/').pop() ?? '',
      contentType: a.content_type ?? 'application/octet-stream',
      // A `path` attachment is fetched by Resend; the fake does not fetch it, so its size is 0.
      size: a.content ? Buffer.from(a.content, 'base64').length : 0,
      disposition: a.content_id ? ('inline' as const) : ('attachment' as const),
      ...(a.content_id ? { contentId: a.content_id } : {}),
    })),
    headers: m.headers ?? {},
    // Resend tags are name/value pairs: they are the message's metadata.
    tags: [],
    metadata: Object.fromEntries((m.tags ?? []).map((t) => [t.name ?? '', t.value ?? ''])),
    extra: {
      createdAt,
      ...(m.scheduled_at ? { scheduledAt: m.scheduled_at } : {}),
      ...(m.template ? { template: m.template } : {}),
      ...((m.attachments ?? []).some((a) => a.path)
        ? { attachmentPaths: (m.attachments ?? []).flatMap((a) => (a.path ? [a.path] : [])) }
        : {}),
    },
  };
}
