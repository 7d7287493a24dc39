/**
 * What the send pipeline is given (configuration and ports) and what it reports per SQS
 * record. Everything here is injected by the handler wiring (lambdas/send) or by tests; the
 * domain code never reads process.env and never constructs an SDK client.
 */

import type { SQSRecord } from 'aws-lambda';
import type { Channel } from '../contract/message.js';
import type { MessageStatus } from '../contract/records.js';
import type { Validator } from '../contract/validator.js';
import type { EmailProvider, SmsProvider } from '../providers/types.js';
import type { MessageStorePort } from '../store/message-record.js';
import type { SuppressionLookup } from '../store/suppressions.js';
import type { BackoffConfig } from './backoff.js';
import type { SendPolicy } from './policy/types.js';
import type { SendQueuePort } from './queue.js';
import type { RateLimiters } from './rate-limit.js';

export interface SendConfig {
  /** The channel of the queue this function consumes; a message for the other channel is invalid. */
  readonly channel: Channel;
  /** Adapter used when the message names none (MAILROOM_EMAIL_PROVIDER / MAILROOM_SMS_PROVIDER). */
  readonly defaultProvider: string;
  /**
   * The queue's redrive maxReceiveCount, which is also the retry budget: a message gives up
   * after this many attempts that failed transiently (throttled attempts do not count).
   */
  readonly maxReceiveCount: number;
  readonly backoff: BackoffConfig;
  readonly ignoreUnsupportedFeatures: boolean;
  /**
   * The queue's MessageRetentionPeriod, seconds. A message waiting for its `sendAt` is
   * re-enqueued as a fresh copy before it could reach this age. @default WORK_QUEUE_RETENTION_SECONDS (the stack's queues)
   */
  readonly queueRetentionSeconds?: number;
  /** No provider call starts with less than this left before the invocation's deadline. @default 10000 */
  readonly minSendWindowMs?: number;
  /** Claim lease when the invocation deadline is unknown. @default 900000 (Lambda's longest timeout) */
  readonly defaultLeaseMs?: number;
  /** Added to every lease for clock skew between hosts. @default 5000 */
  readonly leaseSkewMs?: number;
}

/** Looks adapters up by name; throws (or returns undefined) for a name it does not know. */
export interface ProviderLookup {
  email(name: string): EmailProvider | undefined;
  sms(name: string): SmsProvider | undefined;
}

/** Metric names the send pipeline emits (Count unit). */
export type SendMetric =
  | 'sent'
  | 'errored'
  | 'failed'
  | 'invalid'
  | 'cancelled'
  | 'suppressed'
  | 'throttled'
  | 'deferred'
  | 'duplicate'
  | 'requeued'
  | 'deadLettered'
  /** A DLQ write or re-enqueued copy whose body went by reference (S3), being too large to go with its attributes. */
  | 'byReference'
  | 'redriven'
  | 'idConflict'
  | 'unrecorded'
  /** Refused by the send policy (From, country, MaxPrice): also counted as failed. */
  | 'refused'
  /** Held for its destination range (SMS pumping signature); alarmed. */
  | 'held';

export interface MetricsPort {
  count(name: SendMetric, value?: number): void;
}

/** The subset of Powertools Logger the domain uses. */
export interface LoggerPort {
  debug(message: string, ...extra: Record<string, unknown>[]): void;
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export interface SendDeps {
  readonly config: SendConfig;
  /** The queue's validator, built from its channel's schema (createValidator in src/contract/validator.ts). */
  readonly validate: Validator;
  readonly messages: MessageStorePort;
  readonly suppressions: SuppressionLookup;
  readonly providers: ProviderLookup;
  readonly queue: SendQueuePort;
  readonly limiters: RateLimiters;
  /** What the operator allows (src/send/policy); none: everything the contract accepts is sent. */
  readonly policy?: SendPolicy;
  readonly logger: LoggerPort;
  readonly metrics: MetricsPort;
  readonly clock?: Clock;
  /** Uniform [0, 1) source for backoff jitter. @default Math.random */
  readonly random?: () => number;
}

export interface RecordContext {
  /** Epoch ms when the invocation will be stopped (Lambda: now + getRemainingTimeInMillis()). */
  readonly deadline?: number;
}

/** How a message that must wait is put back: by visibility (item failure) or as a fresh copy (acknowledged). */
export type DeferVia = 'visibility' | 'requeue';
export type DeferReason = 'scheduled' | 'rate_limited' | 'in_flight' | 'deadline' | 'conflict';

export type RecordOutcome =
  | { readonly kind: 'sent'; readonly id: string; readonly recorded: boolean }
  | { readonly kind: 'duplicate'; readonly id: string; readonly status: MessageStatus }
  | { readonly kind: 'cancelled'; readonly id: string }
  | { readonly kind: 'invalid'; readonly id: string }
  | { readonly kind: 'failed'; readonly id: string; readonly code: string }
  | { readonly kind: 'retry'; readonly id: string; readonly code: string; readonly delaySeconds: number; readonly via: DeferVia }
  | { readonly kind: 'deferred'; readonly id: string; readonly reason: DeferReason; readonly delaySeconds: number; readonly via: DeferVia };

/** True when the SQS message must stay on the queue (the handler reports it as a batch item failure). */
export function keepsMessage(outcome: RecordOutcome): boolean {
  return (outcome.kind === 'retry' || outcome.kind === 'deferred') && outcome.via === 'visibility';
}

export interface SendProcessor {
  processRecord(record: SQSRecord, ctx?: RecordContext): Promise<RecordOutcome>;
}
