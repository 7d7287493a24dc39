/**
 * What the messages table holds (docs/contract.md §2) beyond the public `MessageRecord`, the
 * attribute names every writer shares, and the state machine the store enforces with
 * conditional writes. The tracking pipeline imports `MESSAGE_ATTRS` (and src/contract/recipient-key.ts) so it
 * writes `recipients.<key>` under exactly the keys the send pipeline uses.
 */
import type { Channel } from '../contract/message.js';
import type { MessageError, MessageRecord, MessageStatus, RecipientState, SendStatus } from '../contract/records.js';
import { MailroomError } from '../errors.js';
import { expiry } from './retention.js';
import { EXPIRES_AT, MESSAGE_ITEM_SK } from './tables.js';

/** Attribute names of the message item and its per-recipient index items. */
export const MESSAGE_ATTRS = {
  id: 'id',
  sk: 'sk',
  channel: 'channel',
  provider: 'provider',
  providerMessageId: 'providerMessageId',
  status: 'status',
  attempts: 'attempts',
  createdAt: 'createdAt',
  updatedAt: 'updatedAt',
  sentAt: 'sentAt',
  error: 'error',
  tags: 'tags',
  metadata: 'metadata',
  /** Map keyed by `recipientKey(address)`: `{ status, lastEventType?, lastEventAt?, providerMessageId? }`. */
  recipients: 'recipients',
  idDerived: 'idDerived',
  rawBody: 'rawBody',
  smsSegments: 'smsSegments',
  smsEncoding: 'smsEncoding',
  /** Scheduled send time from the message, when given. */
  sendAt: 'sendAt',
  /** How many of `attempts` the provider throttled (they do not use up the retry budget). */
  throttles: 'throttles',
  /** Random token of the current claim; only its holder may record the outcome. */
  claimToken: 'claimToken',
  /** When the current claim may be taken over (the claiming invocation's deadline plus skew). */
  leaseExpiresAt: 'leaseExpiresAt',
  /** SQS ApproximateReceiveCount at the last claim (diagnostics). */
  receiveCount: 'receiveCount',
  /** When a failed message was written to the DLQ; absent = not yet, so a redelivery retries it. */
  deadLetteredAt: 'deadLetteredAt',
  /** SHA-256 of the SQS body that created the record: tells a redelivery from a reused id. */
  bodySha256: 'bodySha256',
  /** When an `errored` message is due again (informational). */
  nextAttemptAt: 'nextAttemptAt',
  /** Times an operator redrove the message from the DLQ. */
  redrives: 'redrives',
  /** Features the adapter dropped because ignoreUnsupportedFeatures was on. */
  ignoredFeatures: 'ignoredFeatures',
  /** Index items only: the recipient key the byRecipient index is keyed on. */
  recipient: 'recipient',
} as const;

/** Primary key of a message item. */
export const messageKey = (id: string) => ({ [MESSAGE_ATTRS.id]: id, [MESSAGE_ATTRS.sk]: MESSAGE_ITEM_SK });

/**
 * The fields every new message item starts with, whichever way it comes into being (a first
 * delivery, an invalid body, an operator's cancel before any delivery): no attempts yet, no
 * recipient state yet.
 */
export const newMessageItem = (id: string, status: MessageStatus, now: string, retentionDays?: number) => ({
  ...messageKey(id),
  ...expiry(now, retentionDays),
  [MESSAGE_ATTRS.status]: status,
  [MESSAGE_ATTRS.attempts]: 0,
  [MESSAGE_ATTRS.throttles]: 0,
  [MESSAGE_ATTRS.createdAt]: now,
  [MESSAGE_ATTRS.updatedAt]: now,
  [MESSAGE_ATTRS.recipients]: {},
});

/** A stored message item as the record type (counters and the recipients map default when absent). */
export function fromItem(item: Record<string, unknown>): StoredMessage {
  // `recipient` on a message item is its first recipient's byRecipient index key, not a record field.
  const { sk: _sk, [EXPIRES_AT]: _expiresAt, recipient: _recipient, ...rest } = item;
  return { attempts: 0, throttles: 0, recipients: {}, ...rest } as unknown as StoredMessage;
}

/** Statuses no transition leaves (except an explicit DLQ redrive of `failed`). */
export const TERMINAL_STATUSES: ReadonlySet<MessageStatus> = new Set(['sent', 'failed', 'cancelled']);
/** Statuses a worker may claim without a lease check. */
export const CLAIMABLE_STATUSES: readonly MessageStatus[] = ['pending', 'errored'];

/** A message item as stored: the public record plus the fields that drive the state machine. */
export interface StoredMessage extends MessageRecord {
  readonly sendAt?: string;
  readonly throttles: number;
  readonly claimToken?: string;
  readonly leaseExpiresAt?: string;
  readonly receiveCount?: number;
  readonly deadLetteredAt?: string;
  readonly bodySha256?: string;
  readonly nextAttemptAt?: string;
  readonly redrives?: number;
  readonly ignoredFeatures?: readonly string[];
}

export interface BeginInput {
  readonly id: string;
  readonly channel: Channel;
  readonly provider: string;
  /** Recipient keys (see recipientKey); one index item each. */
  readonly recipients: readonly string[];
  readonly now: string;
  readonly bodySha256: string;
  readonly idDerived: boolean;
  readonly tags?: readonly string[];
  readonly metadata?: Readonly<Record<string, string | number | boolean>>;
  readonly sendAt?: string;
}

export interface ClaimInput {
  readonly now: string;
  /** Until when nobody else may take the claim over. */
  readonly leaseUntil: string;
  readonly receiveCount: number;
}

export type ClaimResult =
  | { readonly claimed: true; readonly token: string; readonly record: StoredMessage }
  | { readonly claimed: false; readonly record: StoredMessage };

export interface SentInput {
  readonly provider: string;
  readonly providerMessageId?: string;
  /** Send-time state per recipient key (sent/queued/…/suppressed), plus per-recipient provider ids for bulk sends. */
  readonly recipients: Readonly<Record<string, { status: SendStatus | 'suppressed'; providerMessageId?: string }>>;
  readonly sentAt: string;
  readonly smsSegments?: number;
  readonly smsEncoding?: 'GSM-7' | 'UCS-2';
  readonly ignoredFeatures?: readonly string[];
}

export interface ErroredInput {
  readonly error: MessageError;
  readonly throttled: boolean;
  readonly now: string;
  readonly nextAttemptAt?: string;
  /**
   * Recipients a partly completed send settled (PartialSendError); recorded where absent, and
   * the retry passes their keys as `settledRecipients` so none of them gets a second copy.
   */
  readonly recipients?: Readonly<Record<string, { status: SendStatus; providerMessageId?: string }>>;
}

export interface FinalInput {
  readonly error: MessageError;
  readonly now: string;
  /** Per-recipient state to record (e.g. `suppressed` for a cancelled message); absent entries only. */
  readonly recipients?: Readonly<Record<string, { status: RecipientState['status'] }>>;
}

export interface InvalidInput {
  readonly id: string;
  readonly idDerived: boolean;
  readonly channel: Channel;
  readonly error: MessageError;
  readonly rawBody: string;
  readonly bodySha256: string;
  readonly now: string;
}

/** Who is allowed to make a final transition: the claim holder, or anyone while the message is unclaimed. */
export type Actor = { readonly token: string } | { readonly unclaimed: true };

export interface RecipientPage {
  readonly items: readonly StoredMessage[];
  /** Pass back as `cursor` for the next (older) page; absent on the last page. */
  readonly cursor?: string;
}

/**
 * The operations the send pipeline needs; `MessageStore` implements them over DynamoDB and
 * the unit tests over memory, with the same rules.
 */
export interface MessageStorePort {
  get(id: string): Promise<StoredMessage | undefined>;
  begin(input: BeginInput): Promise<{ created: boolean; record: StoredMessage }>;
  claim(id: string, input: ClaimInput): Promise<ClaimResult>;
  markSent(id: string, token: string, input: SentInput): Promise<void>;
  markErrored(id: string, token: string, input: ErroredInput): Promise<void>;
  markFailed(id: string, actor: Actor, input: FinalInput): Promise<void>;
  markCancelled(id: string, actor: Actor, input: FinalInput): Promise<void>;
  markDeadLettered(id: string, now: string): Promise<void>;
  /**
   * Copies the message's status (and per-recipient provider ids) onto its byRecipient index
   * items after a final transition. Idempotent; the message item stays the authority.
   */
  syncRecipientIndex(
    id: string,
    recipients: readonly string[],
    status: MessageStatus,
    providerMessageIds?: Readonly<Record<string, string>>,
  ): Promise<void>;
  recordInvalid(input: InvalidInput): Promise<{ created: boolean; record: StoredMessage }>;
  /** A failed, dead-lettered message was redriven from the DLQ by an operator: make it sendable again. */
  reopenRedriven(id: string, deadLetteredAt: string, now: string): Promise<StoredMessage | undefined>;
}

/** A conditional transition was refused: the message is not in a state that allows it. */
export class TransitionConflictError extends MailroomError {
  constructor(
    readonly id: string,
    readonly transition: string,
    readonly current: StoredMessage | undefined,
    options?: { cause?: unknown },
  ) {
    super(`message ${id}: ${transition} refused (status ${current?.status ?? 'absent'})`, options);
  }
}
