/**
 * Provider errors, translated at the adapter boundary whatever the transport (AWS SDK, HTTP,
 * SMTP): one hierarchy, so the send pipeline and failover read the same facts everywhere.
 * - `retryable`: true → the message goes back to the queue with backoff (status `errored`),
 *   false → `failed` at once.
 * - `throttled`: "slow down", not "broken": the pipeline waits without using up the retry budget.
 * - `accepted`: `'no'` when the provider surely did not take the message (it refused, or the
 *   request never reached it: connection refused, DNS failure, 429, 503); `'maybe'` when it
 *   might have (timeout after the request was written, connection reset, 500/502/504).
 *   Failover to another provider is only safe after `'no'`.
 * - `retryAfterSeconds`: the provider's own hint (HTTP Retry-After), when it gave one.
 */
import { MailroomError } from '../errors.js';
import { type Accepted, acceptedFor, type ErrorInfo, type ErrorRule } from './classify.js';
import type { RecipientResult } from './types.js';

export type { Accepted } from './classify.js';

/**
 * Codes that mean "slow down" rather than "something broke". SES reports both its sending
 * rate and its daily quota as ThrottlingException (`throttled`) on SendEmail
 * (https://docs.aws.amazon.com/ses/latest/dg/manage-sending-quotas-errors.html), but names the
 * daily quota apart in a SendBulkEmail entry (ACCOUNT_DAILY_QUOTA_EXCEEDED): both wait without
 * using up the retry budget, or a merge send hitting the quota would be dead-lettered within
 * the hour while the same message sent singly waits for the quota to come back.
 */
export const THROTTLE_CODES: ReadonlySet<string> = new Set(['throttled', 'daily_quota_exceeded']);

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
  /** Default: retryable and the code is one of THROTTLE_CODES. */
  readonly throttled?: boolean;
  /** Default: `'no'` for a permanent error (a refusal), `'maybe'` for a transient one. */
  readonly accepted?: Accepted;
  /** The provider's Retry-After hint, in seconds from when the error was seen. */
  readonly retryAfterSeconds?: number;
  /** The provider's own error code (from the response body), kept for diagnosis. */
  readonly providerCode?: string;
}

export class ProviderError extends MailroomError {
  readonly provider: string;
  readonly retryable: boolean;
  /** Our stable error code, e.g. `throttled`, `message_rejected`, `opted_out`. */
  readonly code: string;
  readonly statusCode?: number;
  readonly recipients?: Readonly<Record<string, RecipientResult>>;
  readonly throttled: boolean;
  readonly accepted: Accepted;
  readonly retryAfterSeconds?: number;
  readonly providerCode?: string;
  constructor(message: string, opts: ProviderErrorOptions & { retryable: boolean }) {
    super(message, { cause: opts.cause });
    this.provider = opts.provider;
    this.retryable = opts.retryable;
    this.code = opts.code;
    this.statusCode = opts.statusCode;
    this.recipients = opts.recipients;
    this.throttled = opts.retryable && (opts.throttled ?? THROTTLE_CODES.has(opts.code));
    this.accepted = opts.accepted ?? (opts.retryable ? 'maybe' : 'no');
    this.retryAfterSeconds = opts.retryAfterSeconds;
    this.providerCode = opts.providerCode;
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
  constructor(
    message: string,
    opts: ProviderErrorOptions & { recipients: Readonly<Record<string, RecipientResult>>; unsettled: readonly string[] },
  ) {
    super(message, opts);
    this.recipients = opts.recipients;
    this.unsettled = opts.unsettled;
  }
}

/**
 * The message needs a feature the adapter does not have (Anymail's unsupported_feature).
 * Found before any request is made: permanent, and surely not accepted.
 */
export class UnsupportedFeatureError extends PermanentProviderError {
  /** Every unsupported feature the message asked for, not only the first. */
  readonly features: readonly string[];
  readonly feature: string;
  constructor(provider: string, feature: string | readonly string[]) {
    const features = typeof feature === 'string' ? [feature] : [...feature];
    super(`provider ${provider} does not support ${features.join('; ')}`, { provider, code: 'unsupported_feature', accepted: 'no' });
    this.features = features;
    this.feature = features.join('; ');
  }
}

/** The typed error for a failure described by `info` and classified by `rule`. */
export function providerErrorFrom(
  info: ErrorInfo,
  rule: ErrorRule,
  provider: string,
  cause: unknown,
): TransientProviderError | PermanentProviderError {
  const text = `${provider}: ${info.name}: ${info.message}`;
  const opts: ProviderErrorOptions = {
    provider,
    code: rule.code,
    statusCode: info.statusCode,
    cause,
    accepted: rule.accepted ?? (rule.retryable ? acceptedFor(info) : 'no'),
    ...(rule.throttled !== undefined ? { throttled: rule.throttled } : {}),
    ...(info.retryAfterSeconds !== undefined ? { retryAfterSeconds: info.retryAfterSeconds } : {}),
    ...(info.providerCode !== undefined ? { providerCode: info.providerCode } : {}),
  };
  return rule.retryable ? new TransientProviderError(text, opts) : new PermanentProviderError(text, opts);
}
