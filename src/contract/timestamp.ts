/**
 * Timestamps as Mailroom stores them (docs/contract.md): ISO-8601 UTC with milliseconds, so
 * they sort as strings. Normalizers turn provider timestamps into this form, and the stores
 * read query bounds with the same rules.
 */

// Provider timestamps come in more shapes than ISO-8601 strictly allows:
//   "2017-08-05T00:41:02.669Z"      SES event publishing
//   "2018-10-08T14:05:45 +0000"     SES notification contents example (space, no colon)
//   "2016-06-28 00:40:34.558"       SNS SMS delivery logs (UTC, no zone designator)
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

// What SES event publishing sends, and what we store: no re-formatting needed.
const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** A provider timestamp as ISO-8601 UTC with milliseconds, or undefined when it is not one. */
export function toIsoUtc(value: unknown): string | undefined {
  // Already canonical and naming a real instant: returned as is (the common case, and the
  // cheapest). Anything else, e.g. Feb 30 that Date would roll over, takes the general path.
  if (typeof value === 'string' && CANONICAL.test(value) && isRealInstant(value)) return value;
  if (typeof value === 'number') {
    // Epoch milliseconds (CloudWatch Logs event timestamps).
    if (!Number.isFinite(value)) return undefined;
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
  }
  if (typeof value !== 'string') return undefined;
  const m = TIMESTAMP.exec(value.trim());
  if (!m) return undefined;
  const [, date, hm, sec = '00', frac = '', zoneRaw] = m;
  let zone = 'Z';
  if (zoneRaw && zoneRaw.toUpperCase() !== 'Z') {
    const digits = zoneRaw.replace(':', '');
    zone = `${digits.slice(0, 3)}:${digits.slice(3, 5) || '00'}`;
  }
  const ms = `.${frac.slice(0, 3).padEnd(3, '0')}`;
  const local = `${date}T${hm}:${sec}${ms}`;
  // UTC already (SNS SMS logs, most SES fields): the canonical form is a string rewrite.
  if (zone === 'Z' && isRealInstant(`${local}Z`)) return `${local}Z`;
  const d = new Date(`${local}${zone}`);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The two-digit number at `i` (CANONICAL has matched, so these are digits). */
function twoDigits(iso: string, i: number): number {
  return (iso.charCodeAt(i) - 48) * 10 + iso.charCodeAt(i + 1) - 48;
}

function isRealInstant(iso: string): boolean {
  const year = twoDigits(iso, 0) * 100 + twoDigits(iso, 2);
  const month = twoDigits(iso, 5);
  const day = twoDigits(iso, 8);
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 1 : 0;
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= DAYS_IN_MONTH[month - 1]! + leap &&
    twoDigits(iso, 11) <= 23 &&
    twoDigits(iso, 14) <= 59 &&
    twoDigits(iso, 17) <= 59
  );
}
