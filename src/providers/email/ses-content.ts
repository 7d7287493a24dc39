/**
 * What SES v2 accepts where, and how our message maps onto it.
 *
 * SES v2 `SendEmail` has three content types
 * (https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_EmailContent.html):
 * - Simple: subject, text, html, custom `Headers` and `Attachments` (including INLINE ones
 *   with a ContentId) – SES builds the MIME itself
 *   (https://docs.aws.amazon.com/ses/latest/dg/attachments.html);
 * - Template: a stored (TemplateName) or inline (TemplateContent) template with
 *   TemplateData, plus the same Headers and Attachments;
 * - Raw: a complete MIME message we build (nodemailer's MailComposer).
 * We use Simple whenever it can carry the message exactly, and Raw only for what Simple
 * cannot express: an AMP part (text/x-amp-html), more than 15 custom headers or one longer
 * than SES's Simple header limits, or an attachment whose filename/Content-ID SES's Attachment object cannot carry
 * as given (non-ASCII or quote characters in the filename, Content-ID over 78 characters).
 */
import { encodeWords } from 'nodemailer/lib/mime-funcs';
import { formatMailbox, type Mailbox } from '../../contract/address.js';
import type { Attachment, EmailMessage } from '../../contract/message.js';
import { stripAngleBrackets } from './attachments.js';

/** MessageHeader limits: name ≤ 126 printable ASCII, value ≤ 995, name + value ≤ 996 (API_MessageHeader). */
const HEADER_NAME_MAX = 126;
const HEADER_VALUE_MAX = 995;
const HEADER_COMBINED_MAX = 996;
/** Message.Headers and Template.Headers take at most 15 entries (API_Message, API_Template). */
export const SIMPLE_HEADERS_MAX = 15;
/** Attachment.ContentId is 1-78 characters (API_Attachment). */
const CONTENT_ID_MAX = 78;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * Headers SES or our adapter set from structured fields, and the SES control headers
 * (X-SES-CONFIGURATION-SET, X-SES-MESSAGE-TAGS, X-SES-*-ARN) that would let a message pick
 * another configuration set or forge our tracking tags. A message may not set these through
 * `headers`; they are reported as unsupported (and dropped under ignoreUnsupportedFeatures).
 */
const RESERVED_HEADERS = new Set([
  'from',
  'to',
  'cc',
  'bcc',
  'reply-to',
  'subject',
  'date',
  'message-id',
  'mime-version',
  'content-type',
  'content-transfer-encoding',
  'content-disposition',
  'content-id',
  'return-path',
]);

export function isReservedHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return RESERVED_HEADERS.has(lower) || lower.startsWith('x-ses-');
}

/** RFC 2047 encoded-words for non-ASCII header text (SES Simple headers must be printable ASCII). */
export function encodeHeaderValue(value: string): string {
  return PRINTABLE_ASCII.test(value) ? value : encodeWords(value, 'Q', 52);
}

export function headerFitsSimple(name: string, value: string): boolean {
  const encoded = encodeHeaderValue(value);
  return name.length <= HEADER_NAME_MAX && encoded.length <= HEADER_VALUE_MAX && name.length + encoded.length <= HEADER_COMBINED_MAX;
}

export function attachmentFitsSimple(a: Pick<Attachment, 'filename' | 'contentId'>): boolean {
  return (
    /^[\x20-\x7e]+$/.test(a.filename) &&
    !/["\\]/.test(a.filename) &&
    (a.contentId === undefined || stripAngleBrackets(a.contentId).length <= CONTENT_ID_MAX)
  );
}

/** SES cannot send to (or from) a non-ASCII local part: it does not support SMTPUTF8 (API_Destination). */
export function hasAsciiLocalPart(address: string): boolean {
  return /^[\x21-\x7e]+$/.test(address.slice(0, address.lastIndexOf('@')));
}

/** "Name <addr>" with an RFC 2047 display name when it is not ASCII (SES v2 FromEmailAddress/Destination rules). */
export function sesAddress(mailbox: Mailbox): string {
  if (mailbox.name && !PRINTABLE_ASCII.test(mailbox.name)) return `${encodeHeaderValue(mailbox.name)} <${mailbox.address}>`;
  return formatMailbox(mailbox);
}

/** True when the message is sent through a template (stored, inline, or its own body with merge data). */
export function usesTemplate(m: EmailMessage): boolean {
  return m.template !== undefined || m.mergeData !== undefined || m.mergeGlobalData !== undefined;
}

/** Why a non-template message needs Raw MIME, or undefined when Simple carries it exactly. */
export function rawReason(m: EmailMessage): string | undefined {
  if (m.amp !== undefined) return 'amp (Simple content has no text/x-amp-html part)';
  if (Object.keys(m.headers ?? {}).length > SIMPLE_HEADERS_MAX) return `more than ${SIMPLE_HEADERS_MAX} custom headers`;
  for (const [name, value] of Object.entries(m.headers ?? {})) {
    if (!headerFitsSimple(name, value)) return `header ${name} exceeds SES Simple header limits`;
  }
  for (const a of m.attachments ?? []) {
    if (!attachmentFitsSimple(a)) return `attachment ${JSON.stringify(a.filename)} needs MIME parameter encoding`;
  }
  return undefined;
}
