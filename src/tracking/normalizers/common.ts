/**
 * Helpers every normalizer shares: recipient keys of provider fields, deterministic event ids
 * and the `unknown` event that keeps what we could not understand. Provider timestamps become
 * ISO-8601 UTC with src/contract/timestamp.ts.
 */
import { hash } from 'node:crypto';
import type { Channel } from '../../contract/message.js';
import { recipientKey } from '../../contract/recipient-key.js';
import type { NormalizedEvent } from '../../contract/records.js';
import type { NormalizeContext } from './types.js';

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
