/**
 * How the send pipeline reads a failure from an adapter: throttled (wait, slower; does not use
 * up the retry budget), transient (retry with backoff until the budget is spent) or permanent
 * (fail now, DLQ). Adapters translate SDK errors into ProviderError at their boundary
 * (src/providers/errors.ts); anything else reaching us is a bug or an outage we cannot name,
 * retried with backoff and dead-lettered when the budget runs out.
 */
import type { MessageError } from '../contract/records.js';
import { describeError, MailroomError } from '../errors.js';
import { ProviderError, UnsupportedFeatureError } from '../providers/errors.js';
import type { RecipientResult } from '../providers/types.js';

/** Codes that mean "slow down" (defined with the provider errors, which carry `throttled`). */
export { THROTTLE_CODES } from '../providers/errors.js';

export interface ClassifiedFailure {
  readonly kind: 'throttle' | 'transient' | 'permanent';
  readonly error: MessageError;
  /** Recipients the provider settled before failing (partial bulk sends, per-recipient refusals). */
  readonly recipients?: Readonly<Record<string, RecipientResult>>;
}

export function classifySendFailure(error: unknown): ClassifiedFailure {
  if (error instanceof UnsupportedFeatureError) {
    return { kind: 'permanent', error: { code: error.code, message: error.message, retryable: false } };
  }
  if (error instanceof ProviderError) {
    const kind = !error.retryable ? 'permanent' : error.throttled ? 'throttle' : 'transient';
    return {
      kind,
      error: { code: error.code, message: error.message, retryable: error.retryable },
      ...(error.recipients ? { recipients: error.recipients } : {}),
    };
  }
  return { kind: 'transient', error: { code: 'internal_error', message: describeError(error), retryable: true } };
}

/**
 * A by-reference body (src/send/oversize.ts) could not be stored, read or verified. Storage
 * trouble: the record comes back and is tried again, and SQS's redrive policy is the backstop.
 */
export class BodyReferenceError extends MailroomError {
  readonly retryable = true;
  constructor(
    readonly operation: string,
    readonly ref: { readonly bucket: string; readonly key: string },
    options?: { cause?: unknown },
  ) {
    super(`${operation} of by-reference body s3://${ref.bucket}/${ref.key} failed`, options);
  }
}

/** A message too large for SQS even with its body by reference, or with no body store to refer to. */
export class MessageTooLargeError extends MailroomError {
  constructor(
    readonly bytes: number,
    readonly limit: number,
    reason: string,
  ) {
    super(`SQS message of ${bytes} bytes exceeds ${limit}: ${reason}`);
  }
}
