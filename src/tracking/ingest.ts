/**
 * One notification in, its events stored: normalize → enrich from our message record →
 * per event: advance the recipient's status and suppress the address if the event calls for
 * it, then store the event.
 *
 * Storing comes last on purpose. The put is the "done" mark: an event already in the table
 * (checked with a consistent read before anything else) is a duplicate and has no effect at
 * all, so replaying an old bounce does not re-suppress an address an operator has removed
 * since. If we fail between the effects and the put (a throttled write, a timeout), the
 * retry finds no stored event and applies the effects again, which is safe: the status
 * update is forward-only and conditional, and adding a suppression is idempotent. Put first
 * and a crash after it would lose the effects for good, because the retry would see a
 * duplicate. Two deliveries racing each other both apply the same idempotent effects and
 * one put wins.
 *
 * Nothing is dropped: shapes the normalizer does not understand are stored as `unknown`
 * events with the raw payload; events about mail we did not send are stored under their
 * provider message id. Storage errors propagate, so the handler fails and SNS/Lambda retry.
 */
import type { SuppressionReason } from '../config/runtime.js';
import type { NormalizedEvent } from '../contract/records.js';
import { UnknownProviderError } from '../errors.js';
import type { IngestDeps, IngestOutcome } from './deps.js';
import { type Enriched, enrich } from './enrich.js';
import { INGEST_CONCURRENCY, mapLimit } from './map-limit.js';
import { normalizerFor } from './normalizers/index.js';
import { suppressionReasonFor } from './suppression.js';

export interface IngestOptions {
  /** Which normalizer reads the payload (default `ses`: the tracking topic carries SES events). */
  readonly provider?: string;
}

/**
 * Ingests one SES notification: a verified SNS Notification envelope (its `Message` is the
 * SES event), or the SES event itself (object or JSON text), e.g. from a saved file.
 */
export async function ingestNotification(input: unknown, deps: IngestDeps, opts: IngestOptions = {}): Promise<IngestOutcome> {
  const provider = opts.provider ?? 'ses';
  const normalize = normalizerFor(provider);
  // No normalizer registered (src/tracking/normalizers/index.ts) for this source.
  if (!normalize) throw new UnknownProviderError('tracking', provider);
  const control = snsControlType(input);
  if (control) return emptyOutcome(`SNS ${control} is not an event`);
  const payload = isSnsNotification(input) ? input.Message : input;
  const receivedAt = (deps.now?.() ?? new Date()).toISOString();
  const events = normalize(payload, { receivedAt, provider });
  if (!events.length) return emptyOutcome(`${provider} setup notice (not about any message)`);
  return ingestEvents(events, deps);
}

/** Stores already-normalized events (the SMS receipt handler and the local pipeline use this). */
export async function ingestEvents(events: readonly NormalizedEvent[], deps: IngestDeps): Promise<IngestOutcome> {
  const enriched = await enrich(events, deps.messages);
  const receivedAt = (deps.now?.() ?? new Date()).toISOString();
  const results = await mapLimit(enriched, INGEST_CONCURRENCY, (e) => ingestOne(e, deps, receivedAt));
  const suppressed = results.flatMap((r) => (r.suppressed ? [r.suppressed] : []));
  return {
    events: enriched.map((e) => e.event),
    stored: results.filter((r) => r.outcome === 'stored').length,
    duplicates: results.filter((r) => r.outcome === 'duplicate').length,
    unknown: results.filter((r) => r.outcome === 'stored' && r.eventType === 'unknown').length,
    progressed: results.filter((r) => r.progressed).length,
    suppressed,
  };
}

interface OneResult {
  readonly outcome: 'stored' | 'duplicate';
  readonly eventType: NormalizedEvent['eventType'];
  readonly progressed: boolean;
  readonly suppressed?: { address: string; reason: SuppressionReason };
}

async function ingestOne({ event }: Enriched, deps: IngestDeps, receivedAt: string): Promise<OneResult> {
  if (await deps.events.has(event.eventId)) return { outcome: 'duplicate', eventType: event.eventType, progressed: false };
  let progressed = false;
  if (event.messageId) {
    // Ours: the record was found, or the payload carries our id tag (advance then finds the
    // item, or reports not_found and writes nothing).
    progressed = (await deps.progress.advance(event.messageId, event)) === 'advanced';
  }
  let suppressed: OneResult['suppressed'];
  const reason = suppressionReasonFor(event);
  if (reason && event.recipient && deps.suppressOn.includes(reason)) {
    await deps.suppressions.add({ address: event.recipient, reason, sourceEventId: event.eventId, at: receivedAt });
    suppressed = { address: event.recipient, reason };
  }
  const outcome = await deps.events.put(event);
  return { outcome, eventType: event.eventType, progressed, ...(suppressed ? { suppressed } : {}) };
}

function isSnsNotification(input: unknown): input is { Type: 'Notification'; Message: string } {
  return (
    typeof input === 'object' &&
    input !== null &&
    (input as { Type?: unknown }).Type === 'Notification' &&
    typeof (input as { Message?: unknown }).Message === 'string'
  );
}

function snsControlType(input: unknown): string | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const type = (input as { Type?: unknown }).Type;
  return type === 'SubscriptionConfirmation' || type === 'UnsubscribeConfirmation' ? type : undefined;
}

function emptyOutcome(ignored: string): IngestOutcome {
  return { events: [], stored: 0, duplicates: 0, unknown: 0, progressed: 0, suppressed: [], ignored };
}
