/**
 * Provider errors, translated at the adapter boundary. The send pipeline only looks at
 * `retryable`: true → the message goes back to the queue with backoff (status `errored`),
 * false → `failed` at once.
 */
import { MailroomError } from '../errors.js';

export class ProviderError extends MailroomError {
  readonly provider: string;
  readonly retryable: boolean;
  /** Our stable error code, e.g. `throttled`, `message_rejected`, `opted_out`. */
  readonly code: string;
  readonly statusCode?: number;
  constructor(
    message: string,
    opts: { provider: string; retryable: boolean; code: string; statusCode?: number; cause?: unknown },
  ) {
    super(message, { cause: opts.cause });
    this.provider = opts.provider;
    this.retryable = opts.retryable;
    this.code = opts.code;
    this.statusCode = opts.statusCode;
  }
}

/** Throttling, 5xx, timeouts, network failures: worth another try later. */
export class TransientProviderError extends ProviderError {
  constructor(message: string, opts: { provider: string; code: string; statusCode?: number; cause?: unknown }) {
    super(message, { ...opts, retryable: true });
  }
}

/** Rejected for good: retrying cannot help (MessageRejected, unverified identity, invalid or opted-out number…). */
export class PermanentProviderError extends ProviderError {
  constructor(message: string, opts: { provider: string; code: string; statusCode?: number; cause?: unknown }) {
    super(message, { ...opts, retryable: false });
  }
}

/** The message needs a feature the adapter does not have (Anymail's unsupported_feature). */
export class UnsupportedFeatureError extends MailroomError {
  readonly retryable = false;
  readonly code = 'unsupported_feature';
  constructor(
    readonly provider: string,
    readonly feature: string,
  ) {
    super(`provider ${provider} does not support ${feature}`);
  }
}
