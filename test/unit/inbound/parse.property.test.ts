import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InboundRefusedError } from '../../../src/inbound/errors.js';
import { parseMime } from '../../../src/inbound/parse.js';
import type { ParsedMail } from '../../../src/inbound/types.js';
import { capturingSink, MIME_FIXTURES, mimeFixture, streamOf } from './support.js';

/** The parser path's contract: a ParsedMail, or a recorded refusal — never another error, never a hang. */
async function outcome(bytes: Uint8Array, chunkSize: number): Promise<'parsed' | 'refused'> {
  const sink = capturingSink();
  try {
    const parsed: ParsedMail = await parseMime(streamOf(Buffer.from(bytes), chunkSize), sink);
    expect(Array.isArray(parsed.to) && Array.isArray(parsed.attachments)).toBe(true);
    expect(parsed.attachments).toHaveLength(sink.captured.length);
    return 'parsed';
  } catch (error) {
    expect(error).toBeInstanceOf(InboundRefusedError);
    return 'refused';
  }
}

const headerName = fc.constantFrom(
  'From',
  'To',
  'Cc',
  'Subject',
  'Date',
  'Content-Type',
  'Content-Disposition',
  'Content-Transfer-Encoding',
  'Content-ID',
  'X-Junk',
);
const headerValue = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.constantFrom(
    'multipart/mixed; boundary="b"',
    'multipart/related; boundary=b',
    'message/rfc822',
    'text/plain; charset=windows-1252',
    'text/html; charset=x-unknown-charset',
    'base64',
    'quoted-printable',
    "attachment; filename*=UTF-8''%E2%82%AC%ZZ",
    '=?UTF-8?B?####?= <a@b>',
    'undisclosed-recipients:;',
    '<cid@x>',
  ),
);
const line = fc.oneof(
  fc.tuple(headerName, headerValue).map(([n, v]) => `${n}: ${v}`),
  fc.constantFrom('--b', '--b--', '', '=', 'SGVsbG8=', '!!!', ' folded continuation', 'no colon here'),
  fc.string({ maxLength: 120 }),
);
const mimeLike = fc
  .tuple(fc.array(line, { maxLength: 60 }), fc.constantFrom('\n', '\r\n'))
  .map(([lines, eol]) => new TextEncoder().encode(lines.join(eol)));

describe('parseMime never crashes', () => {
  it('on random bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), fc.integer({ min: 1, max: 512 }), async (bytes, chunk) => {
        expect(['parsed', 'refused']).toContain(await outcome(bytes, chunk));
      }),
      { numRuns: 200 },
    );
  });

  it('on MIME-shaped garbage (headers, boundaries, broken encodings)', async () => {
    await fc.assert(
      fc.asyncProperty(mimeLike, fc.integer({ min: 1, max: 256 }), async (bytes, chunk) => {
        expect(['parsed', 'refused']).toContain(await outcome(bytes, chunk));
      }),
      { numRuns: 300 },
    );
  });

  it('on real fixtures cut short or corrupted at a random point', async () => {
    const fixture = fc.constantFrom(...MIME_FIXTURES).map((name) => mimeFixture(name, 'crlf'));
    await fc.assert(
      fc.asyncProperty(fixture, fc.double({ min: 0, max: 1, noNaN: true }), fc.uint8Array({ maxLength: 64 }), async (raw, at, junk) => {
        const cut = Math.floor(raw.length * at);
        const corrupted = Buffer.concat([raw.subarray(0, cut), Buffer.from(junk), raw.subarray(cut + junk.length)]);
        expect(['parsed', 'refused']).toContain(await outcome(corrupted, 97));
        expect(['parsed', 'refused']).toContain(await outcome(raw.subarray(0, cut), 97));
      }),
      { numRuns: 200 },
    );
  });
});
