/** The freshness check every signed provider webhook shares. */
import { WebhookRefusedError } from './errors.js';

/** Five minutes either way: Svix's documented tolerance, used for every provider that signs a timestamp. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** Unix seconds from a header or field; refuses anything but digits. */
export function unixSeconds(value: unknown, provider: string): number {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^\d{1,12}$/.test(text.trim()))
    throw new WebhookRefusedError('missing_signature', `${provider}: no usable timestamp`);
  return Number(text.trim());
}

export function assertFresh(seconds: number, now: Date, toleranceSeconds: number, provider: string): void {
  const skew = Math.abs(now.getTime() / 1000 - seconds);
  if (!(skew <= toleranceSeconds))
    throw new WebhookRefusedError(
      'stale',
      `${provider}: timestamp ${seconds} is ${Math.round(skew)} s from now (tolerance ${toleranceSeconds} s)`,
    );
}
