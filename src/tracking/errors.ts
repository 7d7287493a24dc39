/**
 * Errors of the tracking pipeline. Storage failures (src/store/errors.ts) are mostly transient
 * (throttling, a network blip, a timeout): they must reach the handler, which fails the invocation so that
 * Lambda (or SNS, for the HTTPS endpoint) delivers the notification again. Replays are safe
 * because every write is idempotent (see src/tracking/ingest.ts).
 */
import { MailroomError } from '../errors.js';

/** A CloudWatch Logs subscription payload that is not base64 gzip JSON of the documented shape. */
export class LogsPayloadError extends MailroomError {
  readonly retryable = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(`CloudWatch Logs payload: ${message}`, options);
  }
}
