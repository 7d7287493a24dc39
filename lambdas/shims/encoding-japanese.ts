/**
 * Stands in for `encoding-japanese` in the Lambda bundles (lib/bundling.ts aliases it here).
 * mailparser and libmime call it for one thing only: `convert(bytes, { to: 'UNICODE', from,
 * type: 'string' })` on ISO-2022-JP ("JIS") text, before falling back to iconv-lite
 * (node_modules/libmime/lib/charset.js, node_modules/mailparser/lib/mail-parser.js JPDecoder).
 * The real module is 225 KiB minified, mostly tables for encoding *to* JIS; this decodes the
 * same text through iconv-lite's EUC-JP table (src/inbound/iso-2022-jp.ts), which agrees
 * with encoding-japanese on every JIS X 0208, JIS X 0212 and half-width katakana character
 * both decode (test/unit/inbound/charsets.test.ts).
 *
 * Anything else is refused with an error: both callers catch it and decode with iconv-lite
 * instead, which is what they do when encoding-japanese cannot convert.
 */
import iconv from 'iconv-lite';
import { MailroomError } from '../../src/errors.js';
import { decodeIso2022Jp } from '../../src/inbound/iso-2022-jp.js';

export class UnsupportedConversionError extends MailroomError {}

export interface ConvertOptions {
  readonly to?: string;
  readonly from?: string;
  readonly type?: string;
}

export function convert(data: Uint8Array | string, options: ConvertOptions = {}): string {
  const from = String(options.from ?? '')
    .toUpperCase()
    .replace(/[-_]/g, '');
  if (options.to !== 'UNICODE' || options.type !== 'string') {
    throw new UnsupportedConversionError(
      `encoding-japanese stand-in: only decoding to a string is bundled (to ${options.to}, type ${options.type})`,
    );
  }
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  if (from.startsWith('EUCJP')) return iconv.decode(Buffer.from(bytes), 'EUC-JP');
  if (from.startsWith('JIS') || from.startsWith('ISO2022JP')) return decodeIso2022Jp(bytes);
  throw new UnsupportedConversionError(`encoding-japanese stand-in: no decoder for ${options.from}`);
}

export default { convert };
