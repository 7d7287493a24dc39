/** The §3 event shape (docs/contract.md §3), asserted field by field. */
import { expect } from 'vitest';
import { EVENT_TYPES, type NormalizedEvent } from '../../../../src/contract/records.js';

const FIELDS = new Set([
  'eventId',
  'eventType',
  'messageId',
  'providerMessageId',
  'provider',
  'channel',
  'recipient',
  'timestamp',
  'receivedAt',
  'tags',
  'metadata',
  'rejectReason',
  'bounceType',
  'description',
  'mtaResponse',
  'userAgent',
  'clickUrl',
  'raw',
]);
const REJECT_REASONS = ['invalid', 'bounced', 'timed_out', 'blocked', 'spam', 'unsubscribed', 'other'];
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** True when the event is in the §3 shape; used by the property tests (no throw inside fast-check predicates). */
export function isEventShape(e: NormalizedEvent): boolean {
  const r = e as unknown as Record<string, unknown>;
  if (!Object.keys(r).every((k) => FIELDS.has(k))) return false;
  if (typeof e.eventId !== 'string' || !/^[0-9a-f]{32}$/.test(e.eventId)) return false;
  if (!EVENT_TYPES.includes(e.eventType)) return false;
  if (typeof e.provider !== 'string' || e.channel !== 'email') return false;
  if (!ISO.test(e.timestamp) || !ISO.test(e.receivedAt)) return false;
  if (e.rejectReason !== undefined && !REJECT_REASONS.includes(e.rejectReason)) return false;
  if (e.bounceType !== undefined && !['permanent', 'transient', 'undetermined'].includes(e.bounceType)) return false;
  for (const k of ['messageId', 'providerMessageId', 'recipient', 'description', 'mtaResponse', 'userAgent', 'clickUrl'] as const) {
    if (r[k] !== undefined && (typeof r[k] !== 'string' || r[k] === '')) return false;
  }
  if (e.tags !== undefined && !(Array.isArray(e.tags) && e.tags.every((t) => typeof t === 'string'))) return false;
  if (e.metadata !== undefined) {
    if (typeof e.metadata !== 'object' || e.metadata === null) return false;
    for (const k of Object.keys(e.metadata)) if (!['string', 'number', 'boolean'].includes(typeof e.metadata[k])) return false;
  }
  return 'raw' in r;
}

export function assertEventShape(e: NormalizedEvent): void {
  expect(isEventShape(e), JSON.stringify(e)).toBe(true);
}
