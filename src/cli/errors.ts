/**
 * CLI failures carry their exit code: 1 = not found, 2 = usage or validation error. Anything
 * else that escapes a command is an operational failure (exit 1 with the error's message).
 */
import { MailroomError } from '../errors.js';

export const EXIT = { ok: 0, notFound: 1, failure: 1, usage: 2 } as const;

export class CliError extends MailroomError {
  constructor(
    message: string,
    readonly exitCode: number,
    options?: { cause?: unknown; details?: readonly string[] },
  ) {
    super(message, options);
    this.details = options?.details ?? [];
  }
  readonly details: readonly string[];
}

export class UsageError extends CliError {
  constructor(message: string, options?: { cause?: unknown; details?: readonly string[] }) {
    super(message, EXIT.usage, options);
  }
}

export class NotFoundError extends CliError {
  constructor(message: string) {
    super(message, EXIT.notFound);
  }
}
