/**
 * Errors of the SNS envelope module. Two families:
 *
 * - Refusals (`SnsEnvelopeError`, `SnsVerificationError`): the message is not genuine, not for
 *   us, or not an SNS message at all. Permanent: the handler counts them (already done by
 *   `acceptSnsHttpBody` / `acceptSnsLambdaRecord`) and answers success (Lambda) or 403
 *   (function URL), so that neither SNS nor Lambda retries them.
 * - Transient failures (`SnsCertificateUnavailableError`, `SnsConfirmationError` with
 *   `retryable`): AWS could not be reached. The handler lets these fail the invocation (Lambda)
 *   or answers 5xx (function URL) so SNS redelivers within its bounded retry policy.
 */
import { MailroomError } from '../../errors.js';

/** Why a message was refused; the `reason` dimension of the `SnsRefused` metric. */
export const SNS_REFUSAL_REASONS = [
  'bad_signature',
  'cert_url',
  'topic_not_allowed',
  'expired',
  'malformed',
  'unsupported_version',
] as const;
export type SnsRefusalReason = (typeof SNS_REFUSAL_REASONS)[number];

/** The input is not an SNS envelope of a known type (bad JSON, missing or mistyped fields). */
export class SnsEnvelopeError extends MailroomError {
  constructor(
    message: string,
    /** Field-level problems, e.g. `TopicArn: not an SNS topic ARN`. */
    readonly issues: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(issues.length ? `${message}: ${issues.join('; ')}` : message, options);
  }
}

/**
 * A syntactically valid envelope that we refuse: forged, tampered, stale, from a topic that is
 * not on the allowlist, or signed with a certificate from anywhere but SNS.
 */
export class SnsVerificationError extends MailroomError {
  readonly retryable = false;
  /**
   * True when the signature was checked and is genuine before the refusal. The verifier refuses
   * a topic that is not on the allowlist before it checks anything over the network, so its
   * own refusals leave this false; kept for callers that refuse after verification.
   */
  readonly signatureVerified: boolean;
  readonly messageId: string | undefined;
  readonly topicArn: string | undefined;

  constructor(
    readonly reason: SnsRefusalReason,
    message: string,
    context: { messageId?: string; topicArn?: string; signatureVerified?: boolean; cause?: unknown } = {},
  ) {
    super(message, { cause: context.cause });
    this.signatureVerified = context.signatureVerified ?? false;
    this.messageId = context.messageId;
    this.topicArn = context.topicArn;
  }
}

/**
 * The signing certificate could not be fetched (network error, timeout, 5xx from SNS). Not a
 * verdict on the message: retrying later may succeed.
 */
export class SnsCertificateUnavailableError extends MailroomError {
  readonly retryable = true;
  constructor(
    readonly url: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`signing certificate ${url} unavailable: ${message}`, options);
  }
}

/** `ConfirmSubscription` failed with a fault worth retrying (SNS 5xx, throttling, network). */
export class SnsConfirmationError extends MailroomError {
  readonly retryable = true;
  constructor(
    readonly topicArn: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`ConfirmSubscription for ${topicArn} failed: ${message}`, options);
  }
}
