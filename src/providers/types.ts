/**
 * The adapter layer. Each provider implements EmailProvider or SmsProvider and declares what
 * it can do; the base classes (./base.ts) own the flow
 * buildPayload → call → parseStatus → raiseForStatus, adapters fill in the steps.
 */
import type { EmailMessage, SmsMessage } from '../contract/message.js';
import type { SendStatus } from '../contract/records.js';

export interface EmailCapabilities {
  readonly attachments: boolean;
  readonly inlineImages: boolean;
  readonly customHeaders: boolean;
  readonly envelopeSender: boolean;
  readonly amp: boolean;
  readonly storedTemplates: boolean;
  readonly inlineTemplates: boolean;
  readonly mergeData: boolean;
  readonly tags: boolean;
  readonly trackingOverrides: boolean;
  readonly sendAt: boolean;
}

export interface SmsCapabilities {
  readonly senderId: boolean;
  readonly originationNumber: boolean;
  readonly maxPrice: boolean;
  readonly mms: boolean;
  readonly promotional: boolean;
  readonly sendAt: boolean;
}

export interface SendContext {
  /** Our message id (idempotency key); adapters attach it where the provider echoes it back in events. */
  readonly messageId: string;
  readonly attempt: number;
  readonly tags?: readonly string[];
  /** When true, unsupported features are dropped (and logged) instead of failing the message. */
  readonly ignoreUnsupportedFeatures: boolean;
  /**
   * Recipients (lower-cased) whose outcome an earlier attempt already settled. Only sends
   * that fan out into several independent provider calls (SES SendBulkEmail for `mergeData`)
   * use it: they skip those `to` recipients, so a retry after a PartialSendError never sends
   * one of them a second copy. A single provider call is all-or-nothing and ignores it.
   */
  readonly settledRecipients?: readonly string[];
}

export interface RecipientResult {
  readonly status: SendStatus;
  readonly providerMessageId?: string;
  /** Provider's reason when the recipient was not accepted. */
  readonly detail?: string;
  /** Our error code when the recipient was not accepted (same codes as ProviderError.code). */
  readonly code?: string;
}

export interface SendResult {
  readonly provider: string;
  /** The provider id for the whole send (single sends); bulk sends give one per recipient. */
  readonly providerMessageId?: string;
  /** Keyed by lower-cased address or E.164 number. */
  readonly recipients: Readonly<Record<string, RecipientResult>>;
  readonly smsSegments?: number;
  readonly smsEncoding?: 'GSM-7' | 'UCS-2';
  /** Features that were dropped because ignoreUnsupportedFeatures was on. */
  readonly ignoredFeatures?: readonly string[];
}

export interface EmailProvider {
  readonly name: string;
  readonly capabilities: EmailCapabilities;
  send(message: EmailMessage, ctx: SendContext): Promise<SendResult>;
}

export interface SmsProvider {
  readonly name: string;
  readonly capabilities: SmsCapabilities;
  send(message: SmsMessage, ctx: SendContext): Promise<SendResult>;
}
