/**
 * The key a recipient is known by everywhere: `messages.recipients`, the recipient index, the
 * events table, the suppression list, the inbound index and every CLI lookup. One function, so
 * a bounce SES reports as `"Jane" <Jane@Bücher.example>` finds the recipient the send path
 * recorded as `jane@bücher.example`, and a suppression added from the CLI stops the next send.
 *
 * - `Name <addr>` forms are reduced to `addr` (SES repeats the original Destination in events);
 * - an email address is lower-cased, with its domain in ASCII (IDNA, as `parseMailbox` gives
 *   it). Local parts are case sensitive in RFC 5321, but no mailbox provider we target treats
 *   them so, and SES reports recipients in whatever case they were sent;
 * - anything without `@` (an E.164 number) is trimmed; lower-casing, as for the bare ASCII
 *   fast path, leaves a number unchanged.
 *
 * An empty or whitespace-only input gives `''`: there is no recipient to key.
 */
import { domainToASCII } from 'node:url';

// Printable ASCII without space, '<' or '>': a bare address or number, the common case, for
// which lower-casing is all there is to do.
const PLAIN_ASCII = /^[!-;=?-~]+$/;

export function recipientKey(address: string): string {
  if (PLAIN_ASCII.test(address)) return address.toLowerCase();
  let value = address.trim();
  const open = value.lastIndexOf('<');
  if (open >= 0 && value.endsWith('>')) value = value.slice(open + 1, -1).trim();
  const at = value.lastIndexOf('@');
  if (at < 0) return value.toLowerCase();
  const domain = value.slice(at + 1).toLowerCase();
  return `${value.slice(0, at).toLowerCase()}@${domainToASCII(domain) || domain}`;
}
