/**
 * What the shared HTTP client throws: the raw facts of a failed call, like an SDK error, for
 * the base flow to translate into a ProviderError with the adapter's rules
 * (../translate.ts). Messages name the method, origin and path only: never the query, the
 * headers or the request body, which may carry credentials.
 */
import { MailroomError } from '../../errors.js';

/** The provider answered with a status that is not 2xx. */
export class HttpStatusError extends MailroomError {
  constructor(
    readonly method: string,
    readonly target: string,
    readonly status: number,
    readonly headers: Readonly<Record<string, string>>,
    /** The body as text (at most 64 KiB kept) and, when it was JSON, parsed. */
    readonly bodyText: string,
    readonly body: unknown,
    readonly retryAfterSeconds: number | undefined,
  ) {
    super(`${method} ${target} answered HTTP ${status}${bodyText ? `: ${bodyText.slice(0, 300)}` : ''}`);
  }
}

/** No usable answer: the connection failed, broke, or the request timed out. */
export class HttpTransportError extends MailroomError {
  constructor(
    readonly method: string,
    readonly target: string,
    /** Node.js system error code (ECONNREFUSED, ECONNRESET…), when there is one. */
    readonly code: string | undefined,
    /** Whether the whole request had been written to the socket when it failed. */
    readonly sent: boolean,
    readonly timedOut: boolean,
    /** How many attempts the client made (it retries only what is safe to retry). */
    readonly attempts: number,
    options: { cause?: unknown } = {},
  ) {
    const what = timedOut ? 'timed out' : `failed (${code ?? 'no error code'})`;
    super(
      `${method} ${target} ${what} ${sent ? 'after' : 'before'} the request was written${attempts > 1 ? `, after ${attempts} attempts` : ''}`,
      options,
    );
  }
}
