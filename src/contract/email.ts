/**
 * Email messages (docs/contract.md §1, "Email fields"). Mailboxes are parsed as RFC 5322 (display
 * names kept, IDN domains in ASCII form); CR/LF is refused in everything that becomes a header.
 */
import * as z from 'zod';
import { type Mailbox, parseMailbox } from './address.js';
import { commonFields, refineNoBreak } from './fields.js';
import { safeRecord } from './record.js';

const MAILBOX_EXPECTED = 'expected a mailbox ("Name <local@domain>" or {name, address})';
const mailboxInput = z.union([z.string().min(1), z.object({ name: z.string().optional(), address: z.string().min(1) }).strict()], {
  error: MAILBOX_EXPECTED,
});

const mailbox = mailboxInput.transform((input, ctx): Mailbox => {
  const parsed = parseMailbox(input);
  if (!parsed.ok) {
    ctx.addIssue({ code: 'custom', message: parsed.reason });
    return z.NEVER;
  }
  return parsed.value;
});

/** A single mailbox or a list of them; always a list after parsing. */
const mailboxList = z.union([mailbox.transform((m) => [m]), z.array(mailbox).max(50)], { error: `${MAILBOX_EXPECTED} or a list of them` });

export const attachmentSchema = z
  .object({
    filename: z
      .string()
      .min(1)
      .max(255)
      .refine(...refineNoBreak('filename')),
    contentType: z
      .string()
      .regex(/^[\w.+-]+\/[\w.+-]+$/, 'contentType must be type/subtype')
      .optional(),
    content: z.base64().optional(),
    s3: z
      .object({ bucket: z.string().min(3), key: z.string().min(1) })
      .strict()
      .optional(),
    disposition: z.enum(['attachment', 'inline']).optional(),
    contentId: z
      .string()
      .min(1)
      .max(255)
      .refine(...refineNoBreak('contentId'))
      .optional(),
  })
  .strict()
  .refine((a) => (a.content === undefined) !== (a.s3 === undefined), { message: 'exactly one of content or s3 is required' })
  .refine((a) => a.disposition !== 'inline' || a.contentId !== undefined, { message: 'an inline attachment needs a contentId' });

const headerName = z.string().regex(/^[!-9;-~]+$/, 'header names are printable ASCII without colon');

export const templateSchema = z.union([
  z.object({ name: z.string().min(1).max(256), data: safeRecord(z.string(), z.unknown()).optional() }).strict(),
  z
    .object({
      subject: z
        .string()
        .min(1)
        .refine(...refineNoBreak('template subject')),
      html: z.string().optional(),
      text: z.string().optional(),
      data: safeRecord(z.string(), z.unknown()).optional(),
    })
    .strict()
    .refine((t) => t.html !== undefined || t.text !== undefined, { message: 'an inline template needs html or text' }),
]);

export const emailMessageSchema = z
  .object({
    channel: z.literal('email'),
    ...commonFields,
    from: mailbox,
    to: mailboxList.optional(),
    cc: mailboxList.optional(),
    bcc: mailboxList.optional(),
    replyTo: mailboxList.optional(),
    subject: z
      .string()
      .max(998)
      .refine(...refineNoBreak('subject'))
      .optional(),
    text: z.string().optional(),
    html: z.string().optional(),
    amp: z.string().optional(),
    headers: safeRecord(
      headerName,
      z
        .string()
        .max(998)
        .refine(...refineNoBreak('header value')),
    ).optional(),
    envelopeSender: z
      .string()
      .min(3)
      .refine(...refineNoBreak('envelopeSender'))
      .optional(),
    attachments: z.array(attachmentSchema).max(100).optional(),
    template: templateSchema.optional(),
    mergeData: safeRecord(z.string(), safeRecord(z.string(), z.unknown())).optional(),
    mergeGlobalData: safeRecord(z.string(), z.unknown()).optional(),
    trackOpens: z.boolean().optional(),
    trackClicks: z.boolean().optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    const count = (m.to?.length ?? 0) + (m.cc?.length ?? 0) + (m.bcc?.length ?? 0);
    if (count === 0) ctx.addIssue({ code: 'custom', path: ['to'], message: 'at least one of to, cc or bcc is required' });
    if (count > 50) ctx.addIssue({ code: 'custom', path: ['to'], message: 'at most 50 recipients across to, cc and bcc' });
    if (!m.template && m.text === undefined && m.html === undefined) {
      ctx.addIssue({ code: 'custom', path: ['text'], message: 'one of text, html or template is required' });
    }
    if (!m.template && m.subject === undefined)
      ctx.addIssue({ code: 'custom', path: ['subject'], message: 'subject is required without a template' });
    if (m.envelopeSender !== undefined && !parseMailbox(m.envelopeSender).ok) {
      ctx.addIssue({ code: 'custom', path: ['envelopeSender'], message: 'envelopeSender must be an address' });
    }
    if (m.mergeData) {
      const toAddresses = new Set((m.to ?? []).map((r) => r.address.toLowerCase()));
      for (const key of Object.keys(m.mergeData)) {
        const parsed = parseMailbox(key);
        if (!parsed.ok || !toAddresses.has(parsed.value.address.toLowerCase())) {
          ctx.addIssue({ code: 'custom', path: ['mergeData', key], message: 'mergeData keys must be addresses listed in to' });
        }
      }
    }
  });

export type EmailMessage = z.output<typeof emailMessageSchema>;
export type EmailMessageInput = z.input<typeof emailMessageSchema>;
export type Attachment = z.output<typeof attachmentSchema>;
