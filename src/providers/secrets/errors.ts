/**
 * Errors of provider-secret loading. Neither the messages nor the `problems` ever hold the
 * secret's value (or a parser's excerpt of it): only its name, and for a schema mismatch the
 * field paths and what was expected there.
 */
import { ConfigError } from '../../errors.js';

/** The secret is missing, unreadable with the function's grants, or not the JSON its provider needs. */
export class SecretConfigError extends ConfigError {
  constructor(
    readonly secretName: string,
    problems: readonly string[],
    options: { cause?: unknown } = {},
  ) {
    super(problems.map((p) => `secret "${secretName}": ${p}`));
    // The SDK error (access denied, not found) says why; it never holds the secret's value.
    if (options.cause !== undefined) this.cause = options.cause;
  }
}
