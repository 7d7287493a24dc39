/**
 * What Mailroom stores and what the CLI prints (docs/contract.md §2-§4). Field names are the
 * public contract: camelCase, the same in DynamoDB, `--json` output and code.
 */
import type { Channel } from './message.js';

/** Message lifecycle (§2): pending → processing → sent | errored → … → failed | cancelled. */
export type MessageStatus = 'pending' | 'processing' | 'sent' | 'errored' | 'failed' | 'cancelled';

/** Per-recipient send status at send time, as Anymail's AnymailStatus defines it. */
export type SendStatus = 'sent' | 'queued' | 'invalid' | 'rejected' | 'failed' | 'unknown';

/** Normalized tracking event types (§3). */
export const EVENT_TYPES = [
  'queued',
  'sent',
  'rejected',
  'failed',
  'bounced',
  'deferred',
  'delivered',
  'autoresponded',
  'opened',
  'clicked',
  'complained',
  'unsubscribed',
  'subscribed',
  'unknown',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export type RejectReason = 'invalid' | 'bounced' | 'timed_out' | 'blocked' | 'spam' | 'unsubscribed' | 'other';

export interface MessageError {
  readonly code: string;
  readonly message: string;
  readonly retryable: boolean;
  /** Field-level reasons for `invalid_message`. */
  readonly reasons?: readonly { path: string; message: string }[];
}

export interface RecipientState {
  /** Send status first (sent/queued/…), then the furthest tracking event type reached. */
  readonly status: SendStatus | EventType | 'suppressed';
  readonly lastEventType?: EventType;
  readonly lastEventAt?: string;
  /**
   * Set by tracking: how far `status` has progressed (src/store/message-progress.ts). The
   * conditional update compares it so concurrent or out-of-order events never move a
   * recipient backwards. Absent while the recipient holds a send status.
   */
  readonly rank?: number;
  /** Provider message id for this recipient when the provider gives one per recipient (bulk sends). */
  readonly providerMessageId?: string;
}

export interface MessageRecord {
  readonly id: string;
  readonly channel: Channel;
  readonly provider?: string;
  readonly providerMessageId?: string;
  readonly status: MessageStatus;
  readonly attempts: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly sentAt?: string;
  readonly error?: MessageError;
  readonly tags?: readonly string[];
  readonly metadata?: Readonly<Record<string, string | number | boolean>>;
  readonly recipients: Readonly<Record<string, RecipientState>>;
  /** True when the producer gave no id and it was derived from the body. */
  readonly idDerived?: boolean;
  /** The raw body, truncated, for messages that failed validation. */
  readonly rawBody?: string;
  /** Segments billed for an SMS (GSM-7 or UCS-2 counting). */
  readonly smsSegments?: number;
  readonly smsEncoding?: 'GSM-7' | 'UCS-2';
}

export interface NormalizedEvent {
  readonly eventId: string;
  readonly eventType: EventType;
  readonly messageId?: string;
  readonly providerMessageId?: string;
  readonly provider: string;
  readonly channel: Channel;
  readonly recipient?: string;
  /** When it happened at the provider, ISO-8601 UTC. */
  readonly timestamp: string;
  readonly receivedAt: string;
  readonly tags?: readonly string[];
  readonly metadata?: Readonly<Record<string, string | number | boolean>>;
  readonly rejectReason?: RejectReason;
  readonly bounceType?: 'permanent' | 'transient' | 'undetermined';
  readonly description?: string;
  readonly mtaResponse?: string;
  readonly userAgent?: string;
  readonly clickUrl?: string;
  /** The provider's event, or `{ s3: {bucket, key} }` when it is too large for the item. */
  readonly raw?: unknown;
}

export interface InboundAttachment {
  readonly filename?: string;
  readonly contentType: string;
  readonly size: number;
  readonly disposition: 'attachment' | 'inline';
  readonly contentId?: string;
  readonly s3: { readonly bucket: string; readonly key: string };
  readonly quarantined?: boolean;
}

/** A mailbox from an inbound mail's headers, as the sender wrote it. */
export interface InboundMailbox {
  readonly name?: string;
  readonly address: string;
}

export type Verdict = 'PASS' | 'FAIL' | 'GRAY' | 'PROCESSING_FAILED' | 'DISABLED';

export interface InboundRecord {
  readonly id: string;
  readonly receivedAt: string;
  readonly envelopeSender?: string;
  readonly envelopeRecipients: readonly string[];
  readonly from?: InboundMailbox;
  readonly to: readonly InboundMailbox[];
  readonly cc: readonly InboundMailbox[];
  readonly replyTo: readonly InboundMailbox[];
  readonly subject?: string;
  readonly date?: string;
  readonly messageIdHeader?: string;
  readonly text?: string;
  readonly html?: string;
  /** Set instead of text/html when the bodies were moved to S3 to keep the item small. */
  readonly bodies?: { readonly bucket: string; readonly key: string };
  readonly attachments: readonly InboundAttachment[];
  readonly verdicts: { spam?: Verdict; virus?: Verdict; spf?: Verdict; dkim?: Verdict; dmarc?: Verdict };
  readonly spamDetected?: boolean;
  readonly spamScore?: number;
  readonly raw: { readonly bucket: string; readonly key: string };
  /** Why the message was not parsed (e.g. over the size limit); the record is kept anyway. */
  readonly error?: MessageError;
}
