/**
 * MIME → the header/body fields of an inbound record, with mailparser's streaming `MailParser`
 * (not `simpleParser`, which buffers every attachment). Attachment content is handed to an
 * `AttachmentSink` as a stream while the parser waits (it resumes on `release()`), so memory
 * stays near the size of the text bodies, whatever the attachments weigh.
 *
 * Decisions, each a quirk of real mail:
 * - Addresses: RFC 2047 encoded display names are decoded; groups are flattened, so
 *   `To: undisclosed-recipients:;` gives `to: []`, not an error.
 * - Inline parts: a part with a Content-ID and no Content-Disposition (Outlook's embedded
 *   images) is an attachment with `disposition: "inline"` — kept, not dropped as Anymail does.
 *   `contentId` is stored without angle brackets, as HTML references it (`cid:…`).
 * - Filenames: RFC 2231 (`filename*=`, continuations) and RFC 2047 encoded names are decoded by
 *   mailparser. They are data only; S3 keys come from our own index (attachments.ts).
 * - `text` is the sender's text/plain part(s); we do not derive text from HTML (that costs
 *   time and memory proportional to hostile input). Charsets (windows-1252, ISO-8859-x, …) are
 *   decoded to UTF-8.
 * - `date`: mailparser turns an unparseable Date header into "now"; we re-read the raw header
 *   and leave `date` absent instead of inventing one.
 * - A message/rfc822 part (forwarded mail) is parsed into: its text joins `text` with a short
 *   header block, its attachments join `attachments`.
 */
import type { Readable } from 'node:stream';
import { type AddressObject, type AttachmentStream, type HeaderLines, MailParser, type MessageText } from 'mailparser';
import type { InboundAttachment, InboundMailbox } from '../contract/records.js';
import { errorMessage, MailroomError } from '../errors.js';
import { InboundParseError, InboundRefusedError } from './errors.js';
import type { AttachmentSink, ParsedMail } from './types.js';

export interface ParseOptions {
  /** More attachments than this and the mail is refused (`too_many_attachments`); default 500. */
  readonly maxAttachments?: number;
}

/** Filenames longer than this are cut (they are display data; DynamoDB items are bounded). */
export const MAX_FILENAME_LENGTH = 1000;
const DEFAULT_MAX_ATTACHMENTS = 500;

export async function parseMime(input: Readable, sink: AttachmentSink, options: ParseOptions = {}): Promise<ParsedMail> {
  const maxAttachments = options.maxAttachments ?? DEFAULT_MAX_ATTACHMENTS;
  const parser = new MailParser({
    skipHtmlToText: true,
    skipTextToHtml: true,
    skipTextLinks: true,
    skipImageLinks: true,
    // Keep mailparser's default checksum (md5; it always computes one). With 'sha256' we
    // measured ~0.7× the message size of Buffers still retained after a full GC (Node 20).
  });
  let headers: Map<string, unknown> = new Map();
  let headerLines: HeaderLines = [];
  parser.on('headers', (h: Map<string, unknown>) => (headers = h));
  parser.on('headerLines', (lines: HeaderLines) => (headerLines = lines));
  // Source errors (already typed by source.ts) travel through the parser to the loop below.
  input.on('error', (error) => parser.destroy(error));
  input.pipe(parser);

  const attachments: InboundAttachment[] = [];
  let text: string | undefined;
  let html: string | undefined;
  let finished = false;
  try {
    for await (const data of parser as AsyncIterable<AttachmentStream | MessageText>) {
      if (data.type === 'text') {
        text = data.text || undefined;
        html = typeof data.html === 'string' && data.html ? data.html : undefined;
        continue;
      }
      try {
        if (attachments.length >= maxAttachments) {
          throw new InboundRefusedError('too_many_attachments', `mail has more than ${maxAttachments} attachments; not stored`);
        }
        attachments.push(await storeAttachment(data, attachments.length, sink));
      } finally {
        data.release();
      }
    }
    finished = true;
  } catch (error) {
    if (error instanceof MailroomError) throw error; // typed upstream: source, sink, decryption
    throw new InboundParseError(`MIME parser failed: ${errorMessage(error)}`, { cause: error });
  } finally {
    if (!finished) {
      input.unpipe(parser);
      input.destroy();
      parser.destroy();
    }
  }
  return {
    ...optional('from', mailboxes(headers.get('from'))[0]),
    to: mailboxes(headers.get('to')),
    cc: mailboxes(headers.get('cc')),
    replyTo: mailboxes(headers.get('reply-to')),
    ...optional('subject', stringHeader(headers.get('subject'))),
    ...optional('date', rawDate(headerLines)),
    ...optional('messageIdHeader', stringHeader(headers.get('message-id'))),
    ...optional('text', text),
    ...optional('html', html),
    attachments,
  };
}

async function storeAttachment(data: AttachmentStream, index: number, sink: AttachmentSink): Promise<InboundAttachment> {
  const contentId = data.contentId ? data.contentId.trim().replace(/^<|>$/g, '').trim() || undefined : undefined;
  const declared = data.contentDisposition?.toLowerCase();
  // No Content-Disposition: a part with a Content-ID is referenced from the HTML (inline),
  // anything else is an ordinary attachment.
  const disposition = declared === 'inline' || declared === 'attachment' ? declared : contentId ? 'inline' : 'attachment';
  const filename = data.filename ? data.filename.slice(0, MAX_FILENAME_LENGTH) : undefined;
  const contentType = (data.contentType || 'application/octet-stream').toLowerCase();
  const meta = { index, contentType, disposition, ...optional('filename', filename), ...optional('contentId', contentId) } as const;
  const stored = await sink.store(meta, data.content as Readable);
  return {
    ...optional('filename', filename),
    contentType,
    size: stored.size,
    disposition,
    ...optional('contentId', contentId),
    s3: stored.s3,
    ...(stored.quarantined ? { quarantined: true } : {}),
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function stringHeader(value: unknown): string | undefined {
  const v = Array.isArray(value) ? value[value.length - 1] : value;
  return typeof v === 'string' && v.length ? v : undefined;
}

type AddressEntry = { address?: string; name?: string; group?: AddressEntry[] };

/** Flattens mailparser's address objects (one per header line) and groups into mailboxes. */
function mailboxes(value: unknown): InboundMailbox[] {
  const objects = (Array.isArray(value) ? value : value ? [value] : []) as AddressObject[];
  const out: InboundMailbox[] = [];
  const visit = (entries: readonly AddressEntry[]) => {
    for (const entry of entries) {
      if (entry.group) visit(entry.group);
      else if (entry.address) out.push(entry.name ? { name: entry.name, address: entry.address } : { address: entry.address });
    }
  };
  for (const object of objects) visit((object?.value ?? []) as AddressEntry[]);
  return out;
}

/** The Date header as ISO-8601 UTC, from the raw line (mailparser substitutes "now" for garbage). */
function rawDate(lines: HeaderLines): string | undefined {
  const line = [...lines].reverse().find((l) => l.key === 'date')?.line;
  if (!line) return undefined;
  const value = line
    .slice(line.indexOf(':') + 1)
    .replace(/\r?\n[ \t]+/g, ' ')
    .trim();
  const time = Date.parse(value);
  return Number.isFinite(time) ? new Date(time).toISOString() : undefined;
}
