/** Turns one received MIME message (parsed by mailparser) into the `_fake/messages` record. */
import type { AddressObject, ParsedMail } from 'mailparser';
import type { FakeMessage } from '../../fakes/types.js';

/** Headers every message has; `_fake/messages` lists the others (X-*, List-Unsubscribe...). */
const STANDARD = new Set([
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
]);

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  const objects = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return objects.flatMap((o) => o.value.map((a) => (a.name ? `${a.name} <${a.address ?? ''}>` : (a.address ?? ''))));
}

const bare = (a: string) => (/<([^>]*)>$/.exec(a)?.[1] ?? a).toLowerCase();

export function recordMail(parsed: ParsedMail, id: string, envelope: { from: string; rcpt: string[] }): FakeMessage {
  const to = addresses(parsed.to);
  const cc = addresses(parsed.cc);
  const visible = new Set([...to, ...cc].map(bare));
  const headers: Record<string, string> = {};
  for (const { key, line } of parsed.headerLines) {
    if (STANDARD.has(key)) continue;
    const value = line.slice(line.indexOf(':') + 1).trim();
    const name = line.slice(0, line.indexOf(':')).trim();
    headers[name] = value;
  }
  return {
    id,
    from: addresses(parsed.from)[0],
    to,
    cc,
    // Bcc recipients are not in the headers: they are the envelope recipients nobody sees.
    bcc: envelope.rcpt.filter((r) => !visible.has(r.toLowerCase())),
    replyTo: addresses(parsed.replyTo),
    subject: parsed.subject,
    text: parsed.text,
    html: typeof parsed.html === 'string' ? parsed.html : undefined,
    attachments: parsed.attachments.map((a) => ({
      filename: a.filename ?? '',
      contentType: a.contentType,
      size: a.size,
      disposition: a.contentDisposition === 'inline' || (a.related && a.cid) ? ('inline' as const) : ('attachment' as const),
      ...(a.cid ? { contentId: a.cid } : {}),
    })),
    headers,
    tags: [],
    metadata: {},
    extra: { envelope, messageIdHeader: parsed.messageId },
  };
}
