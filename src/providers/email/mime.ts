/**
 * A complete MIME message, built with nodemailer's MailComposer, for every adapter that sends
 * raw MIME (SES Content.Raw; an SMTP relay or a provider's MIME endpoint the same way): multipart/alternative
 * with text, AMP (text/x-amp-html, placed before html as the AMP spec asks) and html,
 * multipart/related for inline images (Content-ID), multipart/mixed for attachments.
 * MailComposer encodes display names, subjects and non-ASCII header values (RFC 2047),
 * attachment filenames (RFC 2231) and folds long header lines, so no message field can
 * reach the header section unencoded.
 *
 * Bcc never goes into the MIME: the envelope carries every recipient (SES takes them from
 * Destination, https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_SendEmail.html;
 * SMTP from RCPT TO), and a Bcc header would show the blind copies to anyone who can read the
 * raw message.
 */
import MailComposer from 'nodemailer/lib/mail-composer';
import type { Mailbox } from '../../contract/address.js';
import type { EmailMessage } from '../../contract/message.js';
import type { ResolvedAttachment } from './attachments.js';

const toAddress = (m: Mailbox) => (m.name ? { name: m.name, address: m.address } : m.address);

export async function composeRawMessage(
  message: EmailMessage,
  attachments: readonly ResolvedAttachment[],
  headers: Readonly<Record<string, string>>,
): Promise<Buffer> {
  const composer = new MailComposer({
    from: toAddress(message.from),
    ...(message.to?.length ? { to: message.to.map(toAddress) } : {}),
    ...(message.cc?.length ? { cc: message.cc.map(toAddress) } : {}),
    ...(message.replyTo?.length ? { replyTo: message.replyTo.map(toAddress) } : {}),
    subject: message.subject ?? '',
    ...(message.text !== undefined ? { text: message.text } : {}),
    ...(message.html !== undefined ? { html: message.html } : {}),
    ...(message.amp !== undefined ? { amp: message.amp } : {}),
    headers: { ...headers },
    attachments: attachments.map((a) => ({
      filename: a.filename,
      content: a.content,
      contentType: a.contentType,
      contentTransferEncoding: 'base64',
      contentDisposition: a.inline ? 'inline' : 'attachment',
      // An inline part goes beside the html (multipart/related); a plain attachment keeps its Content-ID header.
      ...(a.contentId !== undefined ? (a.inline ? { cid: a.contentId } : { headers: { 'Content-ID': `<${a.contentId}>` } }) : {}),
    })),
    // Contract content is data, never a path or URL for the composer to read.
    disableFileAccess: true,
    disableUrlAccess: true,
    xMailer: false,
  });
  return composer.compile().build();
}
