/**
 * What a metadata value may be, wherever metadata comes from (a producer's message, an SES
 * event's X-Metadata header or tags): a string, a boolean, or a number that DynamoDB stores and
 * JavaScript reads back exactly (|n| ≤ 2^53 - 1, and none below DynamoDB's 1e-130). A larger or
 * tinier number would be refused by the store after the fact, or come back changed.
 */
export type MetadataValue = string | number | boolean;

export function isStorableNumber(n: number): boolean {
  return Number.isFinite(n) && Math.abs(n) <= Number.MAX_SAFE_INTEGER && (n === 0 || Math.abs(n) >= 1e-130);
}

export function isMetadataValue(v: unknown): v is MetadataValue {
  return typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && isStorableNumber(v));
}
