/**
 * What the tracking domain code needs from other parts of Mailroom, as narrow structural
 * interfaces: the send pipeline's MessageStore and SuppressionStore satisfy them, and tests
 * can hand in the real stores on local servers (or, for error paths only, small fakes).
 */
import type { SuppressionReason } from '../config/runtime.js';
import type { MessageRecord, NormalizedEvent } from '../contract/records.js';
import type { EventStore } from '../store/events.js';
import type { MessageProgress } from '../store/message-progress.js';

export interface MessageLookup {
  get(id: string): Promise<MessageRecord | null | undefined>;
  getByProviderMessageId(providerMessageId: string): Promise<MessageRecord | null | undefined>;
}

export interface SuppressionEntry {
  readonly address: string;
  readonly reason: SuppressionReason | 'manual';
  readonly sourceEventId?: string;
  readonly at: string;
}

export interface SuppressionWriter {
  add(entry: SuppressionEntry): Promise<unknown>;
}

export interface IngestDeps {
  readonly events: Pick<EventStore, 'put' | 'has'>;
  readonly messages: MessageLookup;
  readonly progress: Pick<MessageProgress, 'advance'>;
  readonly suppressions: SuppressionWriter;
  /** Which reasons add an address to the suppression list (MAILROOM_SUPPRESS_ON). */
  readonly suppressOn: readonly SuppressionReason[];
  /** Clock for `receivedAt`; tests pin it. */
  readonly now?: () => Date;
}

export interface IngestOutcome {
  /** The events of this notification, enriched, in the order they were normalized. */
  readonly events: readonly NormalizedEvent[];
  readonly stored: number;
  readonly duplicates: number;
  /** How many of the stored events are `unknown` (shapes the normalizer did not understand). */
  readonly unknown: number;
  /** Recipients whose status moved forward on our message record. */
  readonly progressed: number;
  /** Addresses added to the suppression list, with why. */
  readonly suppressed: readonly { address: string; reason: SuppressionReason }[];
  /** Set when the input was not an event at all (setup notice, SNS control message). */
  readonly ignored?: string;
}
