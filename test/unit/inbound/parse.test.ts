import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { InboundParseError, InboundRefusedError, InboundStorageError } from '../../../src/inbound/errors.js';
import { MAX_FILENAME_LENGTH, parseMime } from '../../../src/inbound/parse.js';
import type { AttachmentSink } from '../../../src/inbound/types.js';
import { capturingSink, mimeFixture, streamOf } from './support.js';

async function parseFixture(name: string, lineEnding: 'lf' | 'crlf' = 'lf') {
  const sink = capturingSink();
  const parsed = await parseMime(streamOf(mimeFixture(name, lineEnding)), sink);
  return { parsed, captured: sink.captured };
}

describe.each(['lf', 'crlf'] as const)('parseMime fixtures (%s line endings)', (lineEnding) => {
  it('plain text: RFC 2047 display name decoded, folded subject unfolded, address lists kept', async () => {
    const { parsed } = await parseFixture('plain-text.eml', lineEnding);
    expect(parsed.from).toEqual({ name: 'José García', address: 'jose@sender.example' });
    expect(parsed.to).toEqual([{ name: 'Support Team', address: 'support@example.com' }, { address: 'alice@example.com' }]);
    expect(parsed.cc).toEqual([{ name: 'Bob', address: 'bob@example.com' }]);
    expect(parsed.replyTo).toEqual([{ address: 'replies@sender.example' }]);
    expect(parsed.subject).toBe('Order 1234: shipping question');
    expect(parsed.date).toBe('2015-09-11T20:32:32.000Z');
    expect(parsed.messageIdHeader).toBe('<plain-1@sender.example>');
    expect(parsed.text).toBe('Hello,\n\nWhen will order 1234 ship?\n\nThanks,\nJose\n');
    expect(parsed.html).toBeUndefined();
    expect(parsed.attachments).toEqual([]);
  });

  it('Outlook inline image (Content-ID, no Content-Disposition) is an inline attachment', async () => {
    const { parsed, captured } = await parseFixture('html-inline-image-outlook.eml', lineEnding);
    expect(parsed.html).toContain('src="cid:image001.png@01D9F4E1.2B3C4D50"');
    expect(parsed.text).toBe('See our logo below.\n');
    expect(parsed.attachments).toEqual([
      {
        filename: 'image001.png',
        contentType: 'image/png',
        size: captured[0]!.content.length,
        disposition: 'inline',
        contentId: 'image001.png@01D9F4E1.2B3C4D50',
        s3: { bucket: 'test-bucket', key: 'attachments/test/0' },
      },
    ]);
    expect(captured[0]!.content.subarray(0, 8)).toEqual(Buffer.from('89504e470d0a1a0a', 'hex')); // PNG signature, decoded
  });

  it('decodes RFC 2231 (extended value and continuations) and RFC 2047 filenames', async () => {
    const { parsed, captured } = await parseFixture('attachments-nonascii-filenames.eml', lineEnding);
    expect(parsed.subject).toBe('Dokumente für Sie');
    expect(parsed.attachments.map((a) => a.filename)).toEqual(['报告.pdf', 'Résumé final.docx', 'Grüße.txt', 'français.txt']);
    expect(parsed.attachments.map((a) => a.disposition)).toEqual(['attachment', 'attachment', 'attachment', 'attachment']);
    expect(captured[0]!.content.toString()).toBe('%PDF-1.4\n% fixture\n');
    expect(captured[3]!.content.toString('latin1')).toBe('bonjour, ça va');
  });

  it('reads an 8-bit UTF-8 body and raw UTF-8 headers', async () => {
    const { parsed } = await parseFixture('utf8-8bit.eml', lineEnding);
    expect(parsed.from).toEqual({ name: 'Jürgen Müller', address: 'juergen@sender.example' });
    expect(parsed.subject).toBe('Größe: 東京 🎉');
    expect(parsed.text).toBe('Grüße aus Köln — 東京からこんにちは 🎉\nÜnïcödé everywhere.\n');
    expect(parsed.date).toBe('2023-10-04T02:30:00.000Z');
  });

  it('decodes windows-1252 quoted-printable text and HTML (0x80-0x9F, soft breaks)', async () => {
    const { parsed } = await parseFixture('windows-1252-qp.eml', lineEnding);
    expect(parsed.subject).toBe('“Quoted” subject');
    expect(parsed.text).toBe('“Smart quotes” cost €50 – café crème brûlée.Soft break joined.\n');
    expect(parsed.html).toBe('<p>“Smart quotes” cost €50 – café</p>\n');
  });

  it('gives an empty `to` for undisclosed-recipients:;', async () => {
    const { parsed } = await parseFixture('undisclosed-recipients.eml', lineEnding);
    expect(parsed.to).toEqual([]);
    expect(parsed.from).toEqual({ address: 'newsletter@sender.example' });
    expect(parsed.text).toBe("This month's update.\n");
  });

  it('parses into a forwarded message/rfc822: its text joins, its attachment is kept', async () => {
    const { parsed, captured } = await parseFixture('forwarded-rfc822.eml', lineEnding);
    expect(parsed.subject).toBe('Fwd: Invoice'); // the outer message's headers, not the forwarded one's
    expect(parsed.messageIdHeader).toBe('<fwd-1@sender.example>');
    expect(parsed.text).toContain('Please see the forwarded invoice below.');
    expect(parsed.text).toContain('Subject: Invoice 42');
    expect(parsed.text).toContain('Invoice 42 is attached.');
    expect(parsed.attachments).toMatchObject([{ filename: 'invoice-42.pdf', contentType: 'application/pdf', disposition: 'attachment' }]);
    expect(captured[0]!.content.toString()).toBe('%PDF-1.4\n% fixture\n');
  });

  it('salvages a multipart whose closing boundary never comes', async () => {
    const { parsed, captured } = await parseFixture('malformed-missing-boundary-end.eml', lineEnding);
    expect(parsed.text).toBe('Body before the truncated attachment.\n');
    expect(parsed.attachments).toMatchObject([{ filename: 'data.bin' }]);
    expect(captured[0]!.content.toString()).toBe('0123456789abcdef'.repeat(4));
  });

  it('decodes what it can of bad base64 instead of failing the mail', async () => {
    const { parsed, captured } = await parseFixture('malformed-bad-base64.eml', lineEnding);
    expect(parsed.attachments).toMatchObject([{ filename: 'bad.bin', contentType: 'application/octet-stream' }]);
    expect(captured[0]!.content.toString('latin1')).toContain('Hello ');
    expect(parsed.text).toBe('The attachment below is not valid base64.\n');
  });

  it('survives a header without a colon, and leaves an unparseable Date absent (never "now")', async () => {
    const { parsed } = await parseFixture('malformed-header-no-colon.eml', lineEnding);
    expect(parsed.subject).toBe('Header without colon');
    expect(parsed.text).toBe('The body is still readable.\n');
    expect(parsed.date).toBeUndefined();
  });

  it('keeps hostile filenames verbatim as data; keys come from the sink, by index', async () => {
    const { parsed } = await parseFixture('hostile-filenames.eml', lineEnding);
    expect(parsed.attachments.map((a) => a.filename)).toEqual([
      '../../etc/passwd',
      'CON',
      `${'a'.repeat(296)}.txt`,
      'evil\r\nX-Injected: yes\u0007\u0000.txt',
    ]);
    expect(parsed.attachments.map((a) => a.s3.key)).toEqual([0, 1, 2, 3].map((i) => `attachments/test/${i}`));
  });
});

describe('parseMime limits and failures', () => {
  it('cuts filenames past MAX_FILENAME_LENGTH', async () => {
    const long = 'x'.repeat(MAX_FILENAME_LENGTH + 500);
    const mime = `Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\nContent-Disposition: attachment; filename="${long}"\n\nx\n--b--\n`;
    const parsed = await parseMime(streamOf(Buffer.from(mime)), capturingSink());
    expect(parsed.attachments[0]!.filename).toHaveLength(MAX_FILENAME_LENGTH);
  });

  it('refuses more attachments than allowed with too_many_attachments', async () => {
    const parts = Array.from({ length: 4 }, (_, i) => `--b\nContent-Type: application/octet-stream\n\npart ${i}\n`).join('');
    const mime = `Content-Type: multipart/mixed; boundary=b\n\n${parts}--b--\n`;
    const error = await parseMime(streamOf(Buffer.from(mime)), capturingSink(), { maxAttachments: 3 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InboundRefusedError);
    expect((error as InboundRefusedError).code).toBe('too_many_attachments');
  });

  it('lets a sink storage failure through as retryable, not as a parse failure', async () => {
    const failing: AttachmentSink = {
      async store() {
        throw new InboundStorageError('s3 upload (attachment)', { key: 'k' }, { cause: new Error('503 Slow Down') });
      },
    };
    const error = await parseMime(streamOf(mimeFixture('hostile-filenames.eml')), failing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InboundStorageError);
    expect((error as InboundStorageError).retryable).toBe(true);
  });

  it('lets a typed source failure (S3 body reset) through unchanged', async () => {
    const source = new PassThrough();
    const result = parseMime(source, capturingSink()).catch((e: unknown) => e);
    source.write('Subject: partial\r\n\r\nbody starts');
    source.destroy(new InboundStorageError('s3:GetObject (reading body)', {}, { cause: new Error('ECONNRESET') }));
    expect(await result).toBeInstanceOf(InboundStorageError);
  });

  it('turns an untyped stream failure into InboundParseError', async () => {
    const source = new Readable({ read() {} });
    const result = parseMime(source, capturingSink()).catch((e: unknown) => e);
    source.destroy(new Error('boom'));
    const error = await result;
    expect(error).toBeInstanceOf(InboundParseError);
    expect((error as InboundParseError).code).toBe('parse_failed');
  });

  it('parses an empty input into an empty mail', async () => {
    const parsed = await parseMime(streamOf(Buffer.alloc(0)), capturingSink());
    expect(parsed).toEqual({ to: [], cc: [], replyTo: [], attachments: [] });
  });
});
