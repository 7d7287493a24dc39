/**
 * Joins normalized events to our message record. The record is authoritative: when it is
 * found, the event takes its id, tags and metadata (docs/contract.md §1: metadata "is copied onto
 * every tracking event"), replacing whatever headers or SES tags said. The join goes through
 * our id when the payload carries it (the SES message tag, set before SES assigns its own id,
 * so it works even for a Send event that beats the send pipeline's record of the SES
 * MessageId), else through the provider message id (SMS: the SNS MessageId).
 *
 * Mail we did not send keeps what the payload said and is stored under its provider message
 * id (src/store/events.ts, messageKey).
 */
import type { MessageRecord, NormalizedEvent } from '../contract/records.js';
import type { MessageLookup } from './deps.js';
import { INGEST_CONCURRENCY, mapLimit } from './map-limit.js';
import { compact } from './normalizers/common.js';

export interface Enriched {
  readonly event: NormalizedEvent;
  /** True when our message record was found: its progress can be advanced. */
  readonly ours: boolean;
}

export async function enrich(events: readonly NormalizedEvent[], messages: MessageLookup): Promise<Enriched[]> {
  // The events of one notification almost always share one message: look it up once.
  const cache = new Map<string, Promise<MessageRecord | undefined>>();
  const lookup = (kind: 'id' | 'pmid', value: string) => {
    const key = `${kind}\u0000${value}`;
    let hit = cache.get(key);
    if (!hit) {
      hit = (kind === 'id' ? messages.get(value) : messages.getByProviderMessageId(value)).then((r) => r ?? undefined);
      cache.set(key, hit);
    }
    return hit;
  };
  // An SMS logs batch holds one message per entry: look them up concurrently, not one by one.
  return mapLimit(events, INGEST_CONCURRENCY, async (event): Promise<Enriched> => {
    let record = event.messageId ? await lookup('id', event.messageId) : undefined;
    if (!record && event.providerMessageId) record = await lookup('pmid', event.providerMessageId);
    if (!record) return { event, ours: false };
    return {
      ours: true,
      event: compact<NormalizedEvent>({
        ...event,
        messageId: record.id,
        tags: record.tags?.length ? record.tags : undefined,
        metadata: record.metadata && Object.keys(record.metadata).length ? record.metadata : undefined,
      }),
    };
  });
}
