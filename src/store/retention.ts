/**
 * Retention of stored items: the DynamoDB TTL attribute (EXPIRES_AT, epoch seconds) an item
 * written at `at` carries when its table keeps items `days` days. DynamoDB deletes expired
 * items in the background, usually within days of expiry
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/TTL.html).
 */
import { EXPIRES_AT } from './tables.js';

const DAY_SECONDS = 86_400;

/** `{ expiresAt }` for an item of time `at` (ISO-8601) kept `days` days; `{}` when kept forever. */
export function expiry(at: string, days: number | undefined): { readonly [EXPIRES_AT]?: number } {
  if (days === undefined) return {};
  const ms = Date.parse(at);
  // An unparseable time (never from our own records) counts from now rather than never expiring.
  return { [EXPIRES_AT]: Math.floor((Number.isNaN(ms) ? Date.now() : ms) / 1000) + days * DAY_SECONDS };
}
