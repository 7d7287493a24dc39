/**
 * Message contract v1 (CONTRACT.md §1): what producers put on the SQS queues.
 *
 * The schema validates and normalizes in one pass: mailboxes are parsed (display names kept,
 * IDN domains in ASCII form), phone numbers checked against E.164 metadata, and anything that
 * could inject a header (CR/LF in subject, header names or values, display names) is refused.
 * `emailMessageSchema` / `smsMessageSchema` are exported for producers; `npm run schema`
 * writes the JSON Schema of the input side to `schema/message-v1.schema.json`.
 */
import * as z from 'zod';
import { hasLineBreak, parseE164, parseMailbox, type Mailbox } from './address.js';

/**
 * Origination numbers are checked for E.164 syntax only: toll-free and 10DLC numbers are valid
 * senders but not mobile numbers, so the destination's mobile-range check does not apply.
 */
const E164_SYNTAX = /^\+[1-9]\d{1,14}$/;
/** SNS alphanumeric sender IDs: 3-11 characters, letters and digits, at least one letter. */
const SENDER_ID = /^(?=[0-9]*[A-Za-z])[A-Za-z0-9]{3,11}$/;

export const MESSAGE_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

const MAILBOX_EXPECTED = 'expected a mailbox ("Name <local@domain>" or {name, address})';
const mailboxInput = z.union(
  [z.string().min(1), z.object({ name: z.string().optional(), address: z.string().min(1) }).strict()],
  { error: MAILBOX_EXPECTED },
);

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

const metadataValue = z.union([z.string(), z.number(), z.boolean()]);

const common = {
  id: z.string().regex(MESSAGE_ID_PATTERN, 'id must be 1-128 of [A-Za-z0-9._:-]').optional(),
  tags: z.array(z.string().min(1).max(256).refine(...refineNoBreak('tag'))).max(50).optional(),
  metadata: z.record(z.string().min(1).max(128), metadataValue).optional(),
  provider: z.string().min(1).max(64).optional(),
  providerOptions: z.record(z.string(), z.unknown()).optional(),
  sendAt: z.iso.datetime({ offset: true }).optional(),
};

function refineNoBreak(what: string): [(v: string) => boolean, { message: string }] {
  return [(v) => !hasLineBreak(v), { message: `${what} must not contain CR or LF` }];
}

export const attachmentSchema = z
  .object({
    filename: z.string().min(1).max(255).refine(...refineNoBreak('filename')),
    contentType: z.string().regex(/^[\w.+-]+\/[\w.+-]+$/, 'contentType must be type/subtype').optional(),
    content: z.base64().optional(),
    s3: z.object({ bucket: z.string().min(3), key: z.string().min(1) }).strict().optional(),
    disposition: z.enum(['attachment', 'inline']).optional(),
    contentId: z.string().min(1).max(255).refine(...refineNoBreak('contentId')).optional(),
  })
  .strict()
  .refine((a) => (a.content === undefined) !== (a.s3 === undefined), { message: 'exactly one of content or s3 is required' })
  .refine((a) => a.disposition !== 'inline' || a.contentId !== undefined, { message: 'an inline attachment needs a contentId' });

const headerName = z.string().regex(/^[!-9;-~]+$/, 'header names are printable ASCII without colon');

export const templateSchema = z.union([
  z.object({ name: z.string().min(1).max(256), data: z.record(z.string(), z.unknown()).optional() }).strict(),
  z
    .object({
      subject: z.string().min(1).refine(...refineNoBreak('template subject')),
      html: z.string().optional(),
      text: z.string().optional(),
      data: z.record(z.string(), z.unknown()).optional(),
    })
    .strict()
    .refine((t) => t.html !== undefined || t.text !== undefined, { message: 'an inline template needs html or text' }),
]);

export const emailMessageSchema = z
  .object({
    channel: z.literal('email'),
    ...common,
    from: mailbox,
    to: mailboxList.optional(),
    cc: mailboxList.optional(),
    bcc: mailboxList.optional(),
    replyTo: mailboxList.optional(),
    subject: z.string().max(998).refine(...refineNoBreak('subject')).optional(),
    text: z.string().optional(),
    html: z.string().optional(),
    amp: z.string().optional(),
    headers: z.record(headerName, z.string().max(998).refine(...refineNoBreak('header value'))).optional(),
    envelopeSender: z.string().min(3).refine(...refineNoBreak('envelopeSender')).optional(),
    attachments: z.array(attachmentSchema).max(100).optional(),
    template: templateSchema.optional(),
    mergeData: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
    mergeGlobalData: z.record(z.string(), z.unknown()).optional(),
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
    if (!m.template && m.subject === undefined) ctx.addIssue({ code: 'custom', path: ['subject'], message: 'subject is required without a template' });
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

export const smsMessageSchema = z
  .object({
    channel: z.literal('sms'),
    ...common,
    to: z.string().transform((raw, ctx) => {
      const parsed = parseE164(raw);
      if (!parsed.ok) {
        ctx.addIssue({ code: 'custom', message: parsed.reason });
        return z.NEVER;
      }
      return parsed.value;
    }),
    body: z.string().min(1).max(1600),
    from: z
      .string()
      .refine((v) => E164_SYNTAX.test(v) || SENDER_ID.test(v), { message: 'from must be an E.164 number or a sender ID of 3-11 letters and digits with at least one letter' })
      .optional(),
    smsType: z.enum(['transactional', 'promotional']).default('transactional'),
    mediaUrls: z.array(z.url({ protocol: /^https$/ })).max(10).optional(),
    maxPrice: z.number().positive().optional(),
  })
  .strict();

export const messageSchema = z.discriminatedUnion('channel', [emailMessageSchema, smsMessageSchema]);

export type EmailMessage = z.output<typeof emailMessageSchema>;
export type SmsMessage = z.output<typeof smsMessageSchema>;
export type Message = EmailMessage | SmsMessage;
export type Channel = Message['channel'];
/** What producers write (before normalization). */
export type MessageInput = z.input<typeof messageSchema>;
export type EmailMessageInput = z.input<typeof emailMessageSchema>;
export type SmsMessageInput = z.input<typeof smsMessageSchema>;
export type Attachment = z.output<typeof attachmentSchema>;
