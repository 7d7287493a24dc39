/**
 * ISO-2022-JP (RFC 1468, with the JIS X 0212 designation of ISO-2022-JP-1, RFC 2237) decoded
 * by rewriting it as EUC-JP, byte for byte, and decoding that with iconv-lite's EUC-JP table,
 * the table it already uses for EUC-JP mail. The two encodings carry the same character sets
 * and differ only in how a character set is selected: ISO-2022-JP switches with escape
 * sequences in 7-bit text, EUC-JP marks every character with its high bits:
 *
 * | ISO-2022-JP designation            | EUC-JP bytes       |
 * |------------------------------------|--------------------|
 * | ESC ( B ASCII, ESC ( J JIS-Roman   | the byte as is     |
 * | ESC $ @, ESC $ B JIS X 0208        | b1+0x80 b2+0x80    |
 * | ESC $ ( D JIS X 0212               | 0x8F b1+0x80 b2+0x80 |
 * | ESC ( I (or SO … SI) half-width katakana | 0x8E b+0x80  |
 *
 * This is what the inbound Lambda bundle decodes ISO-2022-JP with, in place of
 * encoding-japanese (225 KiB of tables, most of them for encoding to JIS, which mail parsing
 * never does); see lambdas/shims/encoding-japanese.ts. Control characters (CR, LF, TAB) pass
 * through in any state, as mailers put line ends inside double-byte runs; bytes of 0x80 and
 * above, which ISO-2022-JP never has, pass through too, so EUC-JP text mislabelled as
 * ISO-2022-JP still reads right. Unknown escape sequences are kept as they are.
 */
import iconv from 'iconv-lite';

type Mode = 'ascii' | 'jis0208' | 'jis0212' | 'katakana';

const ESC = 0x1b;
const SO = 0x0e;
const SI = 0x0f;

/** Designations: the bytes after ESC and the mode each selects. */
const DESIGNATIONS: readonly (readonly [readonly number[], Mode])[] = [
  [[0x28, 0x42], 'ascii'], // ESC ( B
  [[0x28, 0x4a], 'ascii'], // ESC ( J  JIS-Roman: ASCII but for ¥ and ‾, read as ASCII as mailers do
  [[0x24, 0x40], 'jis0208'], // ESC $ @  JIS C 6226-1978
  [[0x24, 0x42], 'jis0208'], // ESC $ B  JIS X 0208-1983
  [[0x24, 0x28, 0x44], 'jis0212'], // ESC $ ( D
  [[0x28, 0x49], 'katakana'], // ESC ( I
];

/** The EUC-JP bytes of ISO-2022-JP input (see the table above). */
export function iso2022JpToEucJp(input: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(input.length * 3);
  let n = 0;
  let mode: Mode = 'ascii';
  let shifted: Mode | undefined; // the mode SO interrupted
  for (let i = 0; i < input.length; i++) {
    const byte = input[i]!;
    if (byte === ESC) {
      const found = DESIGNATIONS.find(([tail]) => tail.every((b, k) => input[i + 1 + k] === b));
      if (found) {
        mode = found[1];
        shifted = undefined;
        i += found[0].length;
        continue;
      }
    } else if (byte === SO && shifted === undefined) {
      shifted = mode;
      mode = 'katakana';
      continue;
    } else if (byte === SI && shifted !== undefined) {
      mode = shifted;
      shifted = undefined;
      continue;
    }
    if (byte < 0x21 || byte > 0x7e || mode === 'ascii') {
      out[n++] = byte;
    } else if (mode === 'katakana') {
      out[n++] = 0x8e;
      out[n++] = byte | 0x80;
    } else {
      const trail = input[i + 1];
      if (trail === undefined || trail < 0x21 || trail > 0x7e) {
        out[n++] = byte; // a lone byte of a double-byte run: keep it, the decoder marks it
        continue;
      }
      if (mode === 'jis0212') out[n++] = 0x8f;
      out[n++] = byte | 0x80;
      out[n++] = trail | 0x80;
      i++;
    }
  }
  return out.subarray(0, n);
}

export function decodeIso2022Jp(input: Uint8Array): string {
  return iconv.decode(iso2022JpToEucJp(input), 'EUC-JP');
}
