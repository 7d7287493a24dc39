/**
 * Where Mailroom's own data rides on a Resend email, shared by the adapter (./send.ts) and the
 * webhook normalizer. Resend's only per-message data is `tags: [{name, value}]`, returned on
 * every webhook as `data.tags`; names and values may only hold ASCII letters, digits, `_` and
 * `-`, at most 256 characters (https://resend.com/docs/dashboard/emails/tags).
 *
 * Everything is therefore encoded with the reversible `_`-escape of SES tags
 * (../../email/ses-tags.ts: `_` → `__`, `.` → `_d`, `:` → `_c`, other bytes → `_xHH`), and the
 * three kinds of tag are told apart by names the encoding can never produce:
 *
 *   mailroom_id      → our message id (encoded)
 *   m_<key>          → one metadata entry, key and String(value) encoded
 *   t_<tag>          → one contract tag, value "true"
 *
 * An encoded name never contains `_` followed by `i`, `m` or `t`, so `mailroom_id` cannot collide
 * with a metadata key, and the prefixes cannot be confused with each other.
 */
import { decodeTagValue, encodeTagValue } from '../../email/ses-tags.js';

export const MESSAGE_ID_TAG = 'mailroom_id';
export const METADATA_TAG_PREFIX = 'm_';
export const CONTRACT_TAG_PREFIX = 't_';

export interface ResendTag {
  readonly name: string;
  readonly value: string;
}

export function resendTags(
  messageId: string,
  metadata: Readonly<Record<string, string | number | boolean>> = {},
  tags: readonly string[] = [],
): ResendTag[] {
  const out: ResendTag[] = [{ name: MESSAGE_ID_TAG, value: encodeTagValue(messageId) }];
  for (const [key, value] of Object.entries(metadata))
    out.push({ name: METADATA_TAG_PREFIX + encodeTagValue(key), value: encodeTagValue(String(value)) });
  for (const tag of new Set(tags)) out.push({ name: CONTRACT_TAG_PREFIX + encodeTagValue(tag), value: 'true' });
  return out;
}

export interface ReadTags {
  readonly messageId?: string;
  readonly metadata: Record<string, string>;
  readonly tags: string[];
}

/** Reverses resendTags; tags Mailroom did not write (or cannot decode) are left out. */
export function readResendTags(tags: readonly { readonly name?: unknown; readonly value?: unknown }[]): ReadTags {
  let messageId: string | undefined;
  const metadata: Record<string, string> = {};
  const contract: string[] = [];
  for (const { name, value } of tags) {
    if (typeof name !== 'string' || typeof value !== 'string') continue;
    if (name === MESSAGE_ID_TAG) messageId = decodeTagValue(value);
    else if (name.startsWith(METADATA_TAG_PREFIX)) {
      const key = decodeTagValue(name.slice(METADATA_TAG_PREFIX.length));
      const decoded = decodeTagValue(value);
      if (key !== undefined && decoded !== undefined)
        Object.defineProperty(metadata, key, { value: decoded, enumerable: true, writable: true, configurable: true });
    } else if (name.startsWith(CONTRACT_TAG_PREFIX)) {
      const tag = decodeTagValue(name.slice(CONTRACT_TAG_PREFIX.length));
      if (tag !== undefined) contract.push(tag);
    }
  }
  return { ...(messageId !== undefined ? { messageId } : {}), metadata, tags: contract };
}
