/**
 * Mail in every charset real mail uses decodes to the same text through the parser as run
 * locally (mailparser with iconv-lite and encoding-japanese from node_modules) and through the
 * parser as bundled for Lambda (lib/bundling.ts: iconv-lite's double-byte tables loaded from
 * side files on first use, encoding-japanese replaced by lambdas/shims/encoding-japanese.ts).
 * The fixtures were encoded by Python's codecs (test/fixtures/mime/charsets/generate.py), an
 * implementation independent of both.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import encodingJapanese from 'encoding-japanese';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convert, UnsupportedConversionError } from '../../../lambdas/shims/encoding-japanese.js';
import { htmlToText, NotBundledError } from '../../../lambdas/shims/html-to-text.js';
import { buildLambda, needsTables } from '../../../lib/bundling.js';
import { decodeIso2022Jp, iso2022JpToEucJp } from '../../../src/inbound/iso-2022-jp.js';
import { parseMime } from '../../../src/inbound/parse.js';
import type { ParsedMail } from '../../../src/inbound/types.js';
import { capturingSink, streamOf } from './support.js';

const dir = fileURLToPath(new URL('../../fixtures/mime/charsets/', import.meta.url));
interface Expected {
  readonly charset: string;
  readonly fromName: string;
  readonly subject: string;
  readonly text?: string;
  readonly html?: string;
}
const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Record<string, Expected>;
const cases = Object.entries(expected);

type Parse = typeof parseMime;
let bundleDir: string;
let bundledParse: Parse;
let bundledCode: string;

beforeAll(async () => {
  // Prepare: src/inbound/parse.ts bundled exactly as the Lambda entries are.
  bundleDir = mkdtempSync(join(tmpdir(), 'mailroom-parse-bundle-'));
  const built = await buildLambda('src/inbound/parse.ts', bundleDir);
  bundledCode = readFileSync(built.file, 'utf8');
  bundledParse = ((await import(pathToFileURL(built.file).href)) as { parseMime: Parse }).parseMime;
}, 60_000);

afterAll(() => rmSync(bundleDir, { recursive: true, force: true }));

function check(parsed: ParsedMail, want: Expected): void {
  expect(parsed.subject).toBe(want.subject);
  expect(parsed.from).toEqual({ name: want.fromName, address: 'sender@example.com' });
  if (want.text !== undefined) expect(parsed.text?.trim()).toBe(want.text);
  if (want.html !== undefined) {
    expect(parsed.html?.trim()).toBe(want.html);
    expect(parsed.text).toBeUndefined(); // no text derived from HTML
  }
}

describe('charsets through the parser as run locally (node_modules)', () => {
  it.each(cases)('%s', async (file, want) => {
    // Act
    const parsed = await parseMime(streamOf(readFileSync(join(dir, file)), 64), capturingSink());
    // Assess
    check(parsed, want);
  });
});

describe('charsets through the parser as bundled for Lambda', () => {
  it('loads the double-byte tables from side files and carries no encoding-japanese or html-to-text', () => {
    // Assess
    expect(needsTables(bundledCode)).toBe(true);
    expect(bundledCode).not.toContain('utf8-to-jis'); // encoding-japanese's table module names
    expect(bundledCode).not.toMatch(/selderee|htmlparser2/);
  });

  it.each(cases)('%s', async (file, want) => {
    // Act: small chunks, so multi-byte characters straddle chunk boundaries
    const parsed = await bundledParse(streamOf(readFileSync(join(dir, file)), 64), capturingSink());
    // Assess
    check(parsed, want);
  });
});

describe("ISO-2022-JP decoded as EUC-JP (the bundle's stand-in for encoding-japanese)", () => {
  const jis = (...parts: (string | number[])[]) =>
    Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));
  const ESC = 0x1b;

  it('decodes JIS X 0208, JIS X 0212 and half-width katakana (ESC ( I and SO/SI)', () => {
    // Prepare: 亜 (0208 0x3021), 丂 (0212 0x3021), ｱ (katakana 0x31) twice
    const input = jis(
      [ESC, 0x24, 0x42],
      '0!',
      [ESC, 0x24, 0x28, 0x44],
      '0!',
      [ESC, 0x28, 0x49],
      '1',
      [ESC, 0x28, 0x42],
      'A',
      [0x0e],
      '1',
      [0x0f],
      'B',
    );
    // Act / Assess
    expect(decodeIso2022Jp(input)).toBe('亜丂ｱAｱB');
  });

  it('keeps line ends inside a double-byte run, and passes 8-bit bytes (mislabelled EUC-JP) through', () => {
    // Act / Assess
    expect(decodeIso2022Jp(jis([ESC, 0x24, 0x42], '0!\r\n0!', [ESC, 0x28, 0x42]))).toBe('亜\r\n亜');
    expect(decodeIso2022Jp(Buffer.from([0xb0, 0xa1]))).toBe('亜');
    expect(iso2022JpToEucJp(jis([ESC, 0x24, 0x42], '0'))).toEqual(Buffer.from('0'));
  });

  it('agrees with encoding-japanese on every JIS X 0208 and katakana character both decode', () => {
    // Prepare
    const differences: string[] = [];
    const compare = (bytes: Buffer) => {
      const ours = decodeIso2022Jp(bytes);
      const theirs = encodingJapanese.convert(bytes, { to: 'UNICODE', from: 'JIS', type: 'string' }) as string;
      // encoding-japanese writes '?' or U+FFFD for what it cannot map; iconv-lite U+FFFD.
      if (ours !== theirs && !/[?\ufffd]/.test(theirs) && !ours.includes('\ufffd')) differences.push(bytes.toString('hex'));
    };
    let decoded = 0;
    // Act
    for (let a = 0x21; a < 0x7f; a++) {
      compare(jis([ESC, 0x28, 0x49, a, ESC, 0x28, 0x42]));
      for (let b = 0x21; b < 0x7f; b++) {
        const bytes = jis([ESC, 0x24, 0x42, a, b, ESC, 0x28, 0x42]);
        if (!decodeIso2022Jp(bytes).includes('\ufffd')) decoded++;
        compare(bytes);
      }
    }
    // Assess: every assigned JIS X 0208 code (6,879 + NEC row 13) decodes, the same as theirs
    expect(differences).toEqual([]);
    expect(decoded).toBeGreaterThan(6879);
  });
});

describe('bundle stand-ins', () => {
  it('encoding-japanese: decodes what mailparser and libmime ask for, refuses the rest so they fall back to iconv-lite', () => {
    // Prepare
    const jis = Buffer.from([0x1b, 0x24, 0x42, 0x30, 0x21, 0x1b, 0x28, 0x42]);
    // Act / Assess
    expect(convert(jis, { to: 'UNICODE', from: 'ISO-2022-JP', type: 'string' })).toBe('亜');
    expect(convert(jis, { to: 'UNICODE', from: 'JIS', type: 'string' })).toBe('亜');
    expect(convert(Buffer.from([0xb0, 0xa1]), { to: 'UNICODE', from: 'EUCJP', type: 'string' })).toBe('亜');
    expect(() => convert(jis, { to: 'SJIS', from: 'UNICODE', type: 'array' })).toThrow(UnsupportedConversionError);
    expect(() => convert(jis, { to: 'UNICODE', from: 'UTF16', type: 'string' })).toThrow(UnsupportedConversionError);
  });

  it('html-to-text: fails loudly if mailparser is ever asked to derive text from HTML', () => {
    // Act / Assess
    expect(() => htmlToText()).toThrow(NotBundledError);
  });
});
