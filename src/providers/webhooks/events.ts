/**
 * Building §3 events for provider webhooks: one per recipient, a deterministic `eventId` from
 * the provider's own event identity and the recipient (never the receive time), fields only when
 * they mean something. The helpers of src/tracking/normalizers/common.ts are reused, so every
 * provider hashes ids and reads timestamps and recipients the same way SES does.
 */
import { hash } from 'node:crypto';
import { isMetadataValue } from '../../contract/metadata-value.js';
import { recipientKey } from '../../contract/recipient-key.js';
import { keyedObject } from '../../contract/record.js';
import type { NormalizedEvent } from '../../contract/records.js';
import { toIsoUtc } from '../../contract/timestamp.js';
import { eventIdOf, rawFingerprint, recipientKeyOf, uniqueRecipients, unknownEvents } from '../../tracking/normalizers/common.js';
import type { WebhookContext } from './types.js';

export { recipientKey, recipientKeyOf, toIsoUtc, uniqueRecipients };

export type Metadata = Record<string, string | number | boolean>;
export type EventFields = Pick<
  NormalizedEvent,
  'eventType' | 'rejectReason' | 'bounceType' | 'description' | 'mtaResponse' | 'userAgent' | 'clickUrl'
>;

/** What every event built from one provider event shares. */
export interface ProviderEvent {
  readonly ctx: WebhookContext;
  readonly raw: unknown;
  /** The provider's event type as it named it (part of the id). */
  readonly providerEventType: string | undefined;
  /** The provider's id of this event, or the fields that identify it (part of the id). */
  readonly providerEventId: string | undefined;
  readonly providerMessageId?: string | undefined;
  readonly messageId?: string | undefined;
  /** When it happened at the provider, ISO-8601 UTC (undefined → receivedAt, id from content). */
  readonly timestamp: string | undefined;
  readonly tags?: readonly string[] | undefined;
  readonly metadata?: Metadata | undefined;
}

export function emitEvents(e: ProviderEvent, recipients: readonly unknown[], fields: EventFields): NormalizedEvent[] {
  const keys = uniqueRecipients(recipients);
  // The id comes from the payload alone: without a provider event id, its content identifies it.
  const specific = e.providerEventId ?? hash('sha256', rawFingerprint(e.raw), 'hex');
  const targets: readonly (string | undefined)[] = keys.length ? keys : [undefined];
  return targets.map((recipient) => {
    const ev: Record<string, unknown> = {
      eventId: eventIdOf([e.ctx.instance, e.providerMessageId, e.providerEventType, specific, recipient]),
      eventType: fields.eventType,
      provider: e.ctx.instance,
      channel: 'email',
      timestamp: e.timestamp ?? e.ctx.receivedAt,
      receivedAt: e.ctx.receivedAt,
    };
    if (e.messageId) ev['messageId'] = e.messageId;
    if (e.providerMessageId) ev['providerMessageId'] = e.providerMessageId;
    if (recipient !== undefined) ev['recipient'] = recipient;
    if (e.tags?.length) ev['tags'] = e.tags;
    if (e.metadata && Object.keys(e.metadata).length) ev['metadata'] = e.metadata;
    for (const k of ['rejectReason', 'bounceType', 'description', 'mtaResponse', 'userAgent', 'clickUrl'] as const) {
      const v = fields[k];
      if (v !== undefined && v !== '') ev[k] = v;
    }
    ev['raw'] = e.raw;
    return ev as unknown as NormalizedEvent;
  });
}

/** An event no mapping covers: `unknown`, raw kept, one per known recipient. */
export function unknownProviderEvents(e: ProviderEvent, recipients: readonly unknown[], description: string): NormalizedEvent[] {
  return unknownEvents(
    e.raw,
    { provider: e.ctx.instance, receivedAt: e.ctx.receivedAt },
    {
      channel: 'email',
      description,
      ...(e.providerEventType !== undefined ? { providerEventType: e.providerEventType } : {}),
      ...(e.providerMessageId ? { providerMessageId: e.providerMessageId } : {}),
      ...(e.messageId ? { messageId: e.messageId } : {}),
      recipients: uniqueRecipients(recipients),
      ...(e.timestamp ? { timestamp: e.timestamp } : {}),
    },
  );
}

/**
 * Metadata from a provider's key/value map: every own key is data (`__proto__` and
 * `constructor` included, collected on an object without a prototype); values that are not
 * storable scalars are left out (the raw payload keeps them); `exclude` names our own fields.
 */
export function metadataOf(source: unknown, exclude: readonly string[]): Metadata | undefined {
  if (typeof source !== 'object' || source === null || Array.isArray(source)) return undefined;
  const out = keyedObject<string | number | boolean>([]);
  for (const key of Object.keys(source)) {
    if (exclude.includes(key)) continue;
    const value = (source as Record<string, unknown>)[key];
    if (isMetadataValue(value)) out[key] = value;
  }
  return Object.keys(out).length ? out : undefined;
}

/** The value of an own key as a non-empty string (prototype keys are never read through). */
export function ownString(source: unknown, key: string): string | undefined {
  if (typeof source !== 'object' || source === null || !Object.hasOwn(source, key)) return undefined;
  const v = (source as Record<string, unknown>)[key];
  return typeof v === 'string' && v ? v : undefined;
}

/** Tags as a list of unique non-empty strings (a lone string counts as one tag). */
export function tagsOf(value: unknown): string[] | undefined {
  const list = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
  const out: string[] = [];
  for (const t of list) if (typeof t === 'string' && t && !out.includes(t)) out.push(t);
  return out.length ? out : undefined;
}

/** Epoch seconds (possibly fractional) → ISO-8601 UTC. */
export function fromEpochSeconds(value: unknown): string | undefined {
  const n = typeof value === 'string' && /^\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 && n < 1e11 ? toIsoUtc(Math.round(n * 1000)) : undefined;
}

/** The non-empty parts joined, or undefined. */
export function joinParts(parts: readonly (string | number | undefined | null | false)[], sep = ' '): string | undefined {
  const text = parts.filter((p): p is string | number => p !== undefined && p !== null && p !== false && p !== '').join(sep);
  return text || undefined;
}
