/**
 * Why a provider webhook is refused before anything is stored (docs/contract.md §8: answered 401/403,
 * nothing stored). The route maps `reason` to a status and a metric dimension; the message is
 * for logs only and never echoes a secret.
 */
import { MailroomError } from '../../errors.js';

export const WEBHOOK_REFUSAL_REASONS = [
  /** No signature, token or Authorization header where the provider always sends one. */
  'missing_signature',
  /** A signature or basic-auth credential that does not match. */
  'bad_signature',
  /** A timestamp outside the accepted window (too old, or too far in the future). */
  'stale',
  /** A token / delivery id already seen within the window. */
  'replayed',
  /** The body is not what the provider sends (not JSON, not a form, too large). */
  'malformed',
  /** The configured credentials cannot verify anything (e.g. not a public key). */
  'bad_credentials',
] as const;
export type WebhookRefusalReason = (typeof WEBHOOK_REFUSAL_REASONS)[number];

export class WebhookRefusedError extends MailroomError {
  readonly retryable = false;
  constructor(
    readonly reason: WebhookRefusalReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** The HTTP status docs/contract.md §8 answers with: 401 for authentication, 400 for a body we cannot read. */
  get status(): 400 | 401 | 403 {
    if (this.reason === 'malformed') return 400;
    if (this.reason === 'missing_signature' || this.reason === 'bad_signature') return 401;
    return 403;
  }
}
