/**
 * Normalizers by provider: the ingest step looks the provider up here, so adding a provider
 * is one file and one line. `ses` reads SES event publishing and SES notifications; `sns`
 * reads SNS SMS delivery-status log entries.
 */
import { normalizeSesEvent } from './ses.js';
import { normalizeSnsSmsEvent } from './sns-sms.js';
import type { Normalizer } from './types.js';

export const NORMALIZERS = {
  ses: normalizeSesEvent,
  sns: normalizeSnsSmsEvent,
} as const satisfies Readonly<Record<string, Normalizer>>;

export type TrackedProvider = keyof typeof NORMALIZERS;
export const TRACKED_PROVIDERS = Object.keys(NORMALIZERS) as TrackedProvider[];

export function normalizerFor(provider: string): Normalizer | undefined {
  return Object.hasOwn(NORMALIZERS, provider) ? NORMALIZERS[provider as TrackedProvider] : undefined;
}

export type { NormalizeContext, Normalizer } from './types.js';
export { normalizeSesEvent, normalizeSnsSmsEvent };
