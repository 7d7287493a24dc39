/**
 * Base of every error Mailroom throws from domain code. Subclasses carry context
 * (provider, retryable, field reasons) so callers decide on retry and recording without
 * parsing messages.
 */
export class MailroomError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** An error as one line for logs and records: `Name: message`, or the thrown value as text. */
export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Just the message of an error, for people (CLI and local-pipeline output, wrapping errors). */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A provider name nothing is registered for: no adapter configured for a channel, no
 * normalizer for a tracking source. A configuration or message error, never retried.
 */
export class UnknownProviderError extends MailroomError {
  readonly code = 'unknown_provider';
  readonly retryable = false;
  constructor(
    /** What the provider was wanted for: a channel (`email`, `sms`) or `tracking`. */
    readonly scope: string,
    readonly provider: string,
    options?: { cause?: unknown },
  ) {
    super(`no ${scope} provider named "${provider}" is configured`, options);
  }
}

/** Configuration that cannot work (synth-time or Lambda start-up); lists every problem. */
export class ConfigError extends MailroomError {
  constructor(readonly problems: readonly string[]) {
    super(`invalid Mailroom configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

/**
 * An AWS call (DynamoDB, S3, KMS, SNS) failed. The stores throw its StoreError subclasses
 * (src/store/errors.ts), the inbound pipeline InboundStorageError for its S3/KMS/SNS calls;
 * a retryable one fails the invocation so Lambda or SNS delivers again (every write behind it
 * is idempotent).
 */
export class StorageError extends MailroomError {
  readonly retryable: boolean = true;
  constructor(
    readonly operation: string,
    readonly context: Readonly<Record<string, string | undefined>>,
    options: { cause: unknown },
  ) {
    const detail = Object.entries(context)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    const cause = options.cause instanceof Error ? `: ${describeError(options.cause)}` : '';
    super(`${operation} failed${detail ? ` (${detail})` : ''}${cause}`, options);
  }
}
