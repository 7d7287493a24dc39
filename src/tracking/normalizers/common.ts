/**
 * Helpers every normalizer shares: provider timestamps to ISO-8601 UTC, recipient keys,
 * deterministic event ids and the `unknown` event that keeps what we could not understand.
 */
import { hash } from 'node:crypto';
import type { Channel } from '../../contract/message.js';
import { recipientKey } from '../../contract/recipient-key.js';
import type { NormalizedEvent } from '../../contract/records.js';
import type { NormalizeContext } from './types.js';

// Provider timestamps come in more shapes than ISO-8601 strictly allows:
//   "2017-08-05T00:41:02.669Z"      SES event publishing
//   "2018-10-08T14:05:45 +0000"     SES notification contents example (space, no colon)
//   "2016-06-28 00:40:34.558"       SNS SMS delivery logs (UTC, no zone designator)
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

// What SES event publishing sends, and what we store: no re-formatting needed.
const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** A provider timestamp as ISO-8601 UTC with milliseconds, or undefined when it is not one. */
export function toIsoUtc(value: unknown): string | undefined {
  // Already canonical and naming a real instant: returned as is (the common case, and the
  // cheapest). Anything else, e.g. Feb 30 that Date would roll over, takes the general path.
  if (typeof value === 'string' && CANONICAL.test(value) && isRealInstant(value)) return value;
  if (typeof value === 'number') {
    // Epoch milliseconds (CloudWatch Logs event timestamps).
    if (!Number.isFinite(value)) return undefined;
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
  }
  if (typeof value !== 'string') return undefined;
  const m = TIMESTAMP.exec(value.trim());
  if (!m) return undefined;
  const [, date, hm, sec = '00', frac = '', zoneRaw] = m;
  let zone = 'Z';
  if (zoneRaw && zoneRaw.toUpperCase() !== 'Z') {
    const digits = zoneRaw.replace(':', '');
    zone = `${digits.slice(0, 3)}:${digits.slice(3, 5) || '00'}`;
  }
  const ms = `.${frac.slice(0, 3).padEnd(3, '0')}`;
  const local = `${date}T${hm}:${sec}${ms}`;
  // UTC already (SNS SMS logs, most SES fields): the canonical form is a string rewrite.
  if (zone === 'Z' && isRealInstant(`${local}Z`)) return `${local}Z`;
  const d = new Date(`${local}${zone}`);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The two-digit number at `i` (CANONICAL has matched, so these are digits). */
function twoDigits(iso: string, i: number): number {
  return (iso.charCodeAt(i) - 48) * 10 + iso.charCodeAt(i + 1) - 48;
}

function isRealInstant(iso: string): boolean {
  const year = twoDigits(iso, 0) * 100 + twoDigits(iso, 2);
  const month = twoDigits(iso, 5);
  const day = twoDigits(iso, 8);
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 1 : 0;
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= DAYS_IN_MONTH[month - 1]! + leap &&
    twoDigits(iso, 11) <= 23 &&
    twoDigits(iso, 14) <= 59 &&
    twoDigits(iso, 17) <= 59
  );
}

/** A provider's recipient field as a recipient key, or undefined when it holds no recipient. */
export function recipientKeyOf(raw: unknown): string | undefined {
  return (typeof raw === 'string' && recipientKey(raw)) || undefined;
}

/** Unique recipient keys, in order of first appearance (SES caps a message at 50). */
export function uniqueRecipients(values: readonly unknown[]): string[] {
  const keys: string[] = [];
  for (const v of values) {
    const key = recipientKeyOf(v);
    if (key && !keys.includes(key)) keys.push(key);
  }
  return keys;
}

/**
 * Deterministic event id: the same provider event about the same recipient always hashes to
 * the same id, so SNS redelivery and `mailroom replay` hit the conditional put and dedupe.
 * Each part is length-prefixed (absent parts are "-"), which keeps ("a","bc") and ("ab","c")
 * apart without the cost of JSON-encoding them.
 */
export function eventIdOf(parts: readonly (string | undefined)[]): string {
  let text = '';
  for (const p of parts) text += p === undefined ? '-|' : `${p.length}:${p}|`;
  return hash('sha256', text, 'hex').slice(0, 32);
}

/** JSON text of a raw payload for hashing; never throws (cycles, BigInt fall back to String). */
export function rawFingerprint(raw: unknown): string {
  try {
    return JSON.stringify(raw) ?? String(raw);
  } catch {
    return String(raw);
  }
}

/**
 * An event we could not understand, kept with its raw payload (never dropped). One per known
 * recipient so it still shows up in the recipient's history, or one without a recipient.
 */
export function unknownEvents(
  raw: unknown,
  ctx: NormalizeContext,
  opts: {
    channel: Channel;
    description: string;
    providerEventType?: string;
    providerMessageId?: string;
    messageId?: string;
    recipients?: readonly string[];
    timestamp?: string;
  },
): NormalizedEvent[] {
  const fingerprint = hash('sha256', rawFingerprint(raw), 'hex');
  const recipients = opts.recipients?.length ? opts.recipients : [undefined];
  return recipients.map((recipient) => ({
    eventId: eventIdOf([ctx.provider, opts.providerMessageId, 'unknown', opts.providerEventType, fingerprint, recipient]),
    eventType: 'unknown' as const,
    provider: ctx.provider,
    channel: opts.channel,
    timestamp: opts.timestamp ?? ctx.receivedAt,
    receivedAt: ctx.receivedAt,
    description: opts.description,
    raw,
    ...(opts.messageId ? { messageId: opts.messageId } : {}),
    ...(opts.providerMessageId ? { providerMessageId: opts.providerMessageId } : {}),
    ...(recipient ? { recipient } : {}),
  }));
}

/** Drops undefined values so events carry only the fields that mean something. */
export function compact<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = v;
  return out as T;
}
