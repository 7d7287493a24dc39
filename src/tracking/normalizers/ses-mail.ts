/**
 * What the SES `mail` object says about a message, for every event about it: the SES message
 * id, our message id (from the SES message tag the SES adapter sets), and, for mail another
 * system sent through the same configuration set or identity, the tags and metadata it
 * carried in `X-Tag` / `X-Metadata` headers and custom SES message tags.
 *
 * This is what the payload says, nothing more: joining the message record (whose tags and
 * metadata win) is the ingest step's job (src/tracking/enrich.ts).
 */

import { isMetadataValue } from '../../contract/metadata-value.js';
import { keyedObject } from '../../contract/record.js';
import { toIsoUtc } from '../../contract/timestamp.js';
import { decodeTagValue, MESSAGE_ID_TAG } from '../../providers/email/ses-tags.js';
import type { SesMail } from './ses-schema.js';

export type Metadata = Record<string, string | number | boolean>;

// Tag and metadata names come from whoever sent the mail: they are collected on objects
// without a prototype, so `__proto__` or `constructor` is stored like any other name.
const newMetadata = (): Metadata => keyedObject([]);

function mergeInto(target: Metadata, source: Metadata): void {
  for (const key of Object.keys(source)) target[key] = source[key]!;
}

export interface MailFacts {
  readonly providerMessageId?: string;
  readonly messageId?: string;
  readonly timestamp?: string;
  readonly destination: readonly string[];
  readonly tags?: readonly string[];
  readonly metadata?: Metadata;
}

// SES's own tags (`ses:configuration-set`, `ses:source-ip`, `ses:from-domain`,
// `ses:caller-identity`, `ses:outgoing-ip`, `ses:operation`…) describe the sending, not the
// message: they stay in `raw` and are not copied into metadata.
const SES_AUTO_TAG_PREFIX = 'ses:';

export function mailFacts(mail: SesMail | undefined): MailFacts {
  if (!mail) return { destination: [] };
  const fromHeaders = headerTagsAndMetadata(mail.headers);
  const sesTags = isObject(mail.tags) ? mail.tags : {};
  let ourTag: string | undefined;
  const metadata = newMetadata();
  for (const name of Object.keys(sesTags)) {
    const value = firstString(sesTags[name]);
    if (value === undefined) continue;
    if (name === MESSAGE_ID_TAG) ourTag = value;
    else if (!name.startsWith(SES_AUTO_TAG_PREFIX)) metadata[name] = value;
  }
  // X-Metadata is the sender's explicit metadata: it wins over same-named SES tags.
  mergeInto(metadata, fromHeaders.metadata);
  return {
    providerMessageId: mail.messageId || undefined,
    messageId: ourTag ? safeDecode(ourTag) : undefined,
    timestamp: toIsoUtc(mail.timestamp),
    destination: mail.destination,
    tags: fromHeaders.tags.length ? fromHeaders.tags : undefined,
    metadata: Object.keys(metadata).length ? metadata : undefined,
  };
}

/**
 * `X-Tag` (one tag per header, repeatable) and `X-Metadata` (a JSON object of scalars), header
 * names case-insensitive, as Anymail's SES backend writes them. Malformed metadata (not JSON,
 * not an object, cut off by SES's 10 KB header truncation) is ignored, never fatal; so are
 * non-scalar metadata values and numbers the store cannot keep exactly (the raw payload keeps them).
 */
export function headerTagsAndMetadata(headers: readonly unknown[]): { tags: string[]; metadata: Metadata } {
  const tags: string[] = [];
  const metadata = newMetadata();
  for (const header of headers) {
    if (!isHeader(header)) continue;
    const { name, value } = header;
    // Only two names matter; check the length before lower-casing every header name.
    if (name.length !== 5 && name.length !== 10) continue;
    const lower = name.toLowerCase();
    if (lower === 'x-tag') {
      const tag = value.trim();
      if (tag && !tags.includes(tag)) tags.push(tag);
    } else if (lower === 'x-metadata') {
      mergeInto(metadata, parseMetadata(value));
    }
  }
  return { tags, metadata };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The first value of an SES tag (`["value"]`), when it is a string. */
function firstString(values: unknown): string | undefined {
  const first: unknown = Array.isArray(values) ? values[0] : undefined;
  return typeof first === 'string' ? first : undefined;
}

/** An entry of `mail.headers`: `{ name, value }`, both strings. */
function isHeader(h: unknown): h is { name: string; value: string } {
  return (
    typeof h === 'object' &&
    h !== null &&
    typeof (h as { name?: unknown }).name === 'string' &&
    typeof (h as { value?: unknown }).value === 'string'
  );
}

function parseMetadata(value: string): Metadata {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return newMetadata();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return newMetadata();
  const out = newMetadata();
  for (const [k, v] of Object.entries(parsed)) {
    if (isMetadataValue(v)) out[k] = v;
  }
  return out;
}

function safeDecode(value: string): string | undefined {
  try {
    return decodeTagValue(value) || undefined;
  } catch {
    // A tag value we did not write (or a newer encoding): not our message id.
    return undefined;
  }
}
