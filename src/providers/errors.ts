/**
 * Provider errors, translated at the adapter boundary. The send pipeline only looks at
 * `retryable`: true → the message goes back to the queue with backoff (status `errored`),
 * false → `failed` at once.
 */
import { MailroomError } from '../errors.js';
import type { RecipientResult } from './types.js';

export interface ProviderErrorOptions {
  readonly provider: string;
  readonly code: string;
  readonly statusCode?: number;
  readonly cause?: unknown;
  /**
   * Per-recipient outcomes the provider did settle before the error (lower-cased keys), so the
   * pipeline can record them: e.g. the recipients SES rejected one by one in a bulk send.
   */
  readonly recipients?: Readonly<Record<string, RecipientResult>>;
}

export class ProviderError extends MailroomError {
  readonly provider: string;
  readonly retryable: boolean;
  /** Our stable error code, e.g. `throttled`, `message_rejected`, `opted_out`. */
  readonly code: string;
  readonly statusCode?: number;
  readonly recipients?: Readonly<Record<string, RecipientResult>>;
  constructor(message: string, opts: ProviderErrorOptions & { retryable: boolean }) {
    super(message, { cause: opts.cause });
    this.provider = opts.provider;
    this.retryable = opts.retryable;
    this.code = opts.code;
    this.statusCode = opts.statusCode;
    this.recipients = opts.recipients;
  }
}

/** Throttling, 5xx, timeouts, network failures: worth another try later. */
export class TransientProviderError extends ProviderError {
  constructor(message: string, opts: ProviderErrorOptions) {
    super(message, { ...opts, retryable: true });
  }
}

/** Rejected for good: retrying cannot help (MessageRejected, unverified identity, invalid or opted-out number…). */
export class PermanentProviderError extends ProviderError {
  constructor(message: string, opts: ProviderErrorOptions) {
    super(message, { ...opts, retryable: false });
  }
}

/**
 * A send that fans out into several provider calls (SES SendBulkEmail, 50 destinations per
 * call) failed transiently after some recipients were settled. `recipients` holds the settled
 * ones (accepted or refused for good), `unsettled` the ones still to send. Retry the message
 * with `SendContext.settledRecipients` set to the settled keys and the adapter sends only to
 * the rest: nobody gets two copies.
 */
export class PartialSendError extends TransientProviderError {
  readonly unsettled: readonly string[];
  override readonly recipients: Readonly<Record<string, RecipientResult>>;
  constructor(message: string, opts: ProviderErrorOptions & { recipients: Readonly<Record<string, RecipientResult>>; unsettled: readonly string[] }) {
    super(message, opts);
    this.recipients = opts.recipients;
    this.unsettled = opts.unsettled;
  }
}

/** The message needs a feature the adapter does not have (Anymail's unsupported_feature). */
export class UnsupportedFeatureError extends MailroomError {
  readonly retryable = false;
  readonly code = 'unsupported_feature';
  /** Every unsupported feature the message asked for, not only the first. */
  readonly features: readonly string[];
  readonly feature: string;
  constructor(
    readonly provider: string,
    feature: string | readonly string[],
  ) {
    const features = typeof feature === 'string' ? [feature] : [...feature];
    super(`provider ${provider} does not support ${features.join('; ')}`);
    this.features = features;
    this.feature = features.join('; ');
  }
}
