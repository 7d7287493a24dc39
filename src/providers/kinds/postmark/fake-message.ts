/**
 * One Postmark email message (the JSON of POST /email, and each item of /email/batch and the
 * template endpoints): validation with Postmark's ErrorCodes, and the `_fake/messages` record.
 *
 * Written from:
 * - Email API: https://postmarkapp.com/developer/api/email-api
 * - Templates API (email with template): https://postmarkapp.com/developer/api/templates-api
 * - Error codes: https://postmarkapp.com/developer/api/overview#error-codes
 * - Error 300 causes (no body, over 50 recipients, illegal address):
 *   https://postmarkapp.com/support/article/1180-what-does-errorcode-300-mean
 */
import { bareAddress, isValidAddress, splitAddresses } from '../../fakes/address.js';
import type { FakeMessage } from '../../fakes/types.js';

export type PostmarkMessage = {
  From?: string;
  To?: string;
  Cc?: string;
  Bcc?: string;
  Subject?: string;
  HtmlBody?: string;
  TextBody?: string;
  ReplyTo?: string;
  Headers?: Array<{ Name?: string; Value?: string }>;
  Tag?: string;
  Metadata?: Record<string, string>;
  Attachments?: Array<{ Name?: string; Content?: string; ContentType?: string; ContentID?: string }>;
  MessageStream?: string;
  TrackOpens?: boolean;
  TrackLinks?: string;
  TemplateId?: number;
  TemplateAlias?: string;
  TemplateModel?: Record<string, unknown>;
};

/** A Postmark API error: `{ErrorCode, Message}`. */
export interface PostmarkError {
  readonly ErrorCode: number;
  readonly Message: string;
}

export interface Rules {
  readonly template: boolean;
  readonly senderDomain?: string;
  readonly inactive: ReadonlySet<string>;
}

const e = (ErrorCode: number, Message: string): PostmarkError => ({ ErrorCode, Message });

export function validateMessage(m: PostmarkMessage, rules: Rules): PostmarkError | undefined {
  if (typeof m !== 'object' || m === null) return e(403, 'Incompatible JSON input.');
  if (!m.From) return e(300, "Invalid 'From' address: ''.");
  if (!isValidAddress(m.From)) return e(300, `Invalid 'From' address: '${m.From}'.`);
  if (rules.senderDomain && bareAddress(m.From).split('@')[1]?.toLowerCase() !== rules.senderDomain.toLowerCase())
    return e(
      400,
      `The 'From' address you supplied (${m.From}) is not a Sender Signature on your account. Please add and confirm this address in order to be able to use it in the 'From' field of your messages.`,
    );
  const recipients = (['To', 'Cc', 'Bcc'] as const).flatMap((f) => splitAddresses(m[f] ?? '').map((a) => [f, a] as const));
  if (recipients.length === 0) return e(300, 'Zero recipients specified');
  for (const [field, a] of recipients)
    if (!isValidAddress(a)) return e(300, `Error parsing '${field}': Illegal email address '${a}'. It must contain the '@' symbol.`);
  if (recipients.length > 50) return e(300, 'Maximum of 50 recipients allowed per email message');
  if (rules.template) {
    if (m.TemplateId === undefined && !m.TemplateAlias)
      return e(1101, "The 'TemplateId' or 'TemplateAlias' associated with this request is not valid or was not found.");
  } else if (!m.TextBody && !m.HtmlBody) return e(300, 'Provide either email TextBody or HtmlBody or both.');
  for (const a of m.Attachments ?? []) {
    if (!a.Name || !a.Content) return e(300, 'Attachments must have a Name and Content.');
    if (/\.(exe|bat|vbs|scr|com|cmd|js)$/i.test(a.Name)) return e(411, `Forbidden attachment type: ${a.Name}`);
  }
  const inactive = recipients.map(([, a]) => bareAddress(a).toLowerCase()).filter((a) => rules.inactive.has(a));
  if (inactive.length === recipients.length)
    return e(
      406,
      `You tried to send to recipient(s) that have been marked as inactive. Found inactive addresses: ${inactive.join(', ')}. Inactive recipients are ones that have generated a hard bounce, a spam complaint, or a manual suppression.`,
    );
  return undefined;
}

export function recordMessage(m: PostmarkMessage, id: string, submittedAt: string): FakeMessage {
  return {
    id,
    from: m.From,
    to: splitAddresses(m.To ?? ''),
    cc: splitAddresses(m.Cc ?? ''),
    bcc: splitAddresses(m.Bcc ?? ''),
    replyTo: splitAddresses(m.ReplyTo ?? ''),
    subject: m.Subject,
    text: m.TextBody,
    html: m.HtmlBody,
    attachments: (m.Attachments ?? []).map((a) => ({
      filename: a.Name ?? '',
      contentType: a.ContentType ?? 'application/octet-stream',
      size: Buffer.from(a.Content ?? '', 'base64').length,
      // Postmark has no disposition field: a ContentID makes the part inline.
      disposition: a.ContentID ? ('inline' as const) : ('attachment' as const),
      ...(a.ContentID ? { contentId: a.ContentID.replace(/^cid:/, '') } : {}),
    })),
    headers: Object.fromEntries((m.Headers ?? []).map((h) => [h.Name ?? '', h.Value ?? ''])),
    tags: m.Tag ? [m.Tag] : [],
    metadata: m.Metadata ?? {},
    extra: {
      messageStream: m.MessageStream ?? 'outbound',
      submittedAt,
      ...(m.TrackOpens !== undefined ? { trackOpens: m.TrackOpens } : {}),
      ...(m.TrackLinks !== undefined ? { trackLinks: m.TrackLinks } : {}),
      ...(m.TemplateId !== undefined ? { templateId: m.TemplateId } : {}),
      ...(m.TemplateAlias ? { templateAlias: m.TemplateAlias } : {}),
      ...(m.TemplateModel ? { templateModel: m.TemplateModel } : {}),
    },
  };
}
