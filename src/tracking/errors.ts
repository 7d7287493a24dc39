/**
 * Errors of the tracking pipeline. Storage failures are transient by nature (throttling, a
 * network blip, a timeout): they must reach the handler, which fails the invocation so that
 * Lambda (or SNS, for the HTTPS endpoint) delivers the notification again. Replays are safe
 * because every write is idempotent (see src/tracking/ingest.ts).
 */
import { MailroomError, StorageError } from '../errors.js';

/** A DynamoDB or S3 write/read of the tracking pipeline failed; retrying later may succeed. */
export class TrackingStorageError extends StorageError {}

/** A query the events store cannot serve as asked (bad time bound, unknown event type). */
export class InvalidEventQueryError extends MailroomError {
  readonly retryable = false;
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** A CloudWatch Logs subscription payload that is not base64 gzip JSON of the documented shape. */
export class LogsPayloadError extends MailroomError {
  readonly retryable = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(`CloudWatch Logs payload: ${message}`, options);
  }
}

/** Ingest was asked for a provider no normalizer is registered for (src/tracking/normalizers/index.ts). */
export class UnknownProviderError extends MailroomError {
  readonly retryable = false;
  constructor(readonly provider: string) {
    super(`no tracking normalizer for provider "${provider}"`);
  }
}
