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
    const cause = options.cause instanceof Error ? `: ${options.cause.name}: ${options.cause.message}` : '';
    super(`${operation} failed${detail ? ` (${detail})` : ''}${cause}`, options);
  }
}
