/**
 * How many SMS parts a body costs, as carriers bill it (3GPP TS 23.038 alphabets, TS 23.040
 * concatenation):
 * - GSM-7 when every character is in the GSM 03.38 default alphabet or its extension table;
 *   extension characters (€ [ ] { } \ ^ ~ | and form feed) take two septets (ESC + char).
 *   One part holds 160 septets; concatenated parts hold 153 (the UDH takes 7), and an
 *   escape pair is never split across parts.
 * - UCS-2 otherwise, counted in UTF-16 code units: 70 in one part, 67 per concatenated part;
 *   a surrogate pair (emoji, most CJK extensions) counts 2 and is never split.
 * SNS may split long messages at word boundaries instead (https://docs.aws.amazon.com/sns/latest/dg/sms_publish-to-phone.html),
 * which can only add parts: treat this as the lower bound; SNS delivery-status logs carry
 * the billed count.
 */
import type { SmsMessage } from '../../contract/message.js';
import type { SendResult } from '../types.js';

/** GSM 03.38 default alphabet (ESC at 0x1B left out: it is not a character a body can hold). */
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
/** GSM 03.38 extension table: each costs ESC + the character. */
const GSM_EXTENDED = new Set('\f^{}\\[~]|€');

export interface SegmentCount {
  readonly encoding: 'GSM-7' | 'UCS-2';
  /** Parts the body is sent in (at least 1). */
  readonly segments: number;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2) of the whole body. */
  readonly units: number;
}

export function isGsm7(body: string): boolean {
  for (const ch of body) if (!GSM_BASIC.has(ch) && !GSM_EXTENDED.has(ch)) return false;
  return true;
}

/** Packs indivisible units into parts of `perPart`, returns the number of parts. */
function pack(sizes: Iterable<number>, perPart: number): number {
  let parts = 1;
  let used = 0;
  for (const size of sizes) {
    if (used + size > perPart) {
      parts += 1;
      used = 0;
    }
    used += size;
  }
  return parts;
}

export function countSegments(body: string): SegmentCount {
  const chars = [...body];
  if (isGsm7(body)) {
    const sizes = chars.map((ch) => (GSM_EXTENDED.has(ch) ? 2 : 1));
    const units = sizes.reduce((a, b) => a + b, 0);
    return { encoding: 'GSM-7', units, segments: units <= 160 ? 1 : pack(sizes, 153) };
  }
  const sizes = chars.map((ch) => ch.length);
  const units = body.length;
  return { encoding: 'UCS-2', units, segments: units <= 70 ? 1 : pack(sizes, 67) };
}

/** The send result with the message's segment count and encoding (stored on the message). */
export function withSegments(result: SendResult, message: SmsMessage): SendResult {
  const { segments, encoding } = countSegments(message.body);
  return { ...result, smsSegments: segments, smsEncoding: encoding };
}
