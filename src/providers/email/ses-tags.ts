/**
 * SES message tags (EmailTags) that let tracking join SES events back to our message
 * without putting anything in headers the recipient sees.
 *
 * SES allows only ASCII letters, digits, `_` and `-` in tag names and values, at most 256
 * characters each (https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_MessageTag.html).
 * Our message ids may also hold `.` and `:` (derived ids are `derived:<hash>`), so values are
 * encoded reversibly with `_` as the escape character:
 *
 *   [A-Za-z0-9-]  → itself          `_` → `__`     `.` → `_d`     `:` → `_c`
 *   any other UTF-8 byte → `_x` + two upper-case hex digits
 *
 * Ids made of letters, digits and dashes (UUIDs, ULIDs) come out unchanged; a contract id
 * (1-128 of [A-Za-z0-9._:-]) at most doubles, so it always fits in 256 characters.
 * The tracking pipeline reads the tag named MESSAGE_ID_TAG and calls decodeTagValue.
 */

/** Default name of the tag carrying our message id (SesEmailProvider option `messageIdTag`). */
export const MESSAGE_ID_TAG = 'mailroom-message-id';
export const TAG_MAX_LENGTH = 256;
/** What SES accepts in a tag name or value. */
export const TAG_PATTERN = /^[A-Za-z0-9_-]{1,256}$/;

const PLAIN = /[A-Za-z0-9-]/;
const ESCAPES: Readonly<Record<string, string>> = { _: '__', '.': '_d', ':': '_c' };
const UNESCAPES: Readonly<Record<string, number>> = { _: 0x5f, d: 0x2e, c: 0x3a };
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function encodeTagValue(value: string): string {
  let out = '';
  for (const ch of value) {
    if (PLAIN.test(ch)) out += ch;
    else if (ESCAPES[ch] !== undefined) out += ESCAPES[ch];
    else for (const byte of encoder.encode(ch)) out += `_x${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * Inverse of encodeTagValue. Returns undefined for a value encodeTagValue cannot have
 * produced (a stray `_`, bad hex, invalid UTF-8): a tag set by someone else, not ours.
 */
export function decodeTagValue(encoded: string): string | undefined {
  const bytes: number[] = [];
  for (let i = 0; i < encoded.length; i++) {
    const ch = encoded[i]!;
    if (PLAIN.test(ch)) {
      bytes.push(ch.charCodeAt(0));
      continue;
    }
    if (ch !== '_') return undefined;
    const next = encoded[i + 1];
    if (next !== undefined && UNESCAPES[next] !== undefined) {
      bytes.push(UNESCAPES[next]!);
      i += 1;
    } else if (next === 'x' && /^[0-9A-F]{2}$/.test(encoded.slice(i + 2, i + 4))) {
      bytes.push(parseInt(encoded.slice(i + 2, i + 4), 16));
      i += 3;
    } else {
      return undefined;
    }
  }
  try {
    return decoder.decode(new Uint8Array(bytes));
  } catch {
    return undefined;
  }
}

/** True when SES accepts the string as a tag name or value as it is. */
export function isValidTag(value: string): boolean {
  return TAG_PATTERN.test(value);
}
