/**
 * Errors of the inbound pipeline, in three families the handler treats differently:
 *
 * - `InvalidReceiptNotificationError`: the SNS message is not an SES receipt notification we can
 *   act on. Permanent: counted and dropped (there is no mail to record).
 * - `InboundRefusedError` (and `InboundParseError`): the notification is genuine but the mail
 *   cannot be parsed as asked (over the size limit, raw object gone, undecryptable, MIME the
 *   parser gives up on). Permanent: the record is kept with `error` set, never a crash.
 * - `InboundStorageError`: S3, DynamoDB, KMS or SNS failed in a way retrying may fix. The
 *   handler lets it fail the invocation so Lambda delivers the notification again; every write
 *   is idempotent, so the retry finishes the job without duplicating it.
 */

import type { MessageError } from '../contract/records.js';
import { MailroomError, StorageError } from '../errors.js';

export class InvalidReceiptNotificationError extends MailroomError {
  readonly retryable = false;
  constructor(
    /** Field-level problems, e.g. `mail.messageId: Required`. */
    readonly issues: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(`not an SES receipt notification we can ingest: ${issues.join('; ')}`, options);
  }
}

/** Codes recorded in `InboundRecord.error.code` when a mail is kept without being parsed. */
export const INBOUND_REFUSAL_CODES = [
  'too_large',
  'raw_not_found',
  'unsupported_encryption',
  'decrypt_failed',
  'parse_failed',
  'too_many_attachments',
  'record_too_large',
] as const;
export type InboundRefusalCode = (typeof INBOUND_REFUSAL_CODES)[number];

export class InboundRefusedError extends MailroomError {
  readonly retryable = false;
  constructor(
    readonly code: InboundRefusalCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** The `error` field of the record kept for this mail. */
  toMessageError(): MessageError {
    return { code: this.code, message: this.message, retryable: false };
  }
}

/** The MIME parser gave up on the input (it is lenient, so this is rare: truncated streams, decoder failures). */
export class InboundParseError extends InboundRefusedError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('parse_failed', message, options);
  }
}

/** An AWS call (S3, DynamoDB, KMS, SNS) failed; retrying later may succeed. */
export class InboundStorageError extends StorageError {}

/** HTTP status of an AWS SDK v3 error, when it has one. */
export function httpStatusOf(error: unknown): number | undefined {
  const meta = (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata;
  return typeof meta?.httpStatusCode === 'number' ? meta.httpStatusCode : undefined;
}

export function errorNameOf(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}
