/**
 * No addresses or phone numbers in logs (issue 8, item 7): one helper masks them wherever they
 * appear in a string, in structured fields, free text and error messages alike (an SES error
 * naming an unverified recipient, a suppression reason listing addresses, a provider's
 * diagnostic "550 <ann@example.com> unknown").
 *
 * - email: first character of the local part, then `***`, then the domain, which operators
 *   need for deliverability questions: `ann@example.com` → `a***@example.com`;
 * - phone (E.164, `+` and 7-15 digits): `+` and the first two digits, stars, the last two:
 *   `+14155550100` → `+14*******00`.
 *
 * Correlate by message id: the tables hold the full addresses, behind IAM.
 */

// Local part: no whitespace, double quotes, angle brackets or separators; domain: labels and a TLD.
const EMAIL = /[^\s@<>"(),;:[\]]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})/g;
// E.164 with its plus, not inside a longer run of digits.
const PHONE = /\+[1-9]\d{6,14}(?!\d)/g;

export function maskEmail(address: string): string {
  const at = address.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${address[0]}***${address.slice(at)}`;
}

export function maskPhone(number: string): string {
  const digits = number.replace(/^\+/, '');
  if (digits.length < 5) return '+***';
  return `+${digits.slice(0, 2)}${'*'.repeat(digits.length - 4)}${digits.slice(-2)}`;
}

/** Every email address and E.164 number in `text`, masked. */
export function maskText(text: string): string {
  if (!text.includes('@') && !text.includes('+')) return text;
  return text.replace(EMAIL, (match) => maskEmail(match)).replace(PHONE, (match) => maskPhone(match));
}

/**
 * JSON replacer for Powertools Logger (`jsonReplacerFn`): masks every string of a log line as
 * it is serialized, the message and the formatted error's message and stack included.
 */
export function maskingReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'string' ? maskText(value) : value;
}
