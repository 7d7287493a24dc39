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
