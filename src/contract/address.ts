/**
 * Email addresses as the contract accepts them (phone numbers: ./phone.ts).
 *
 * RFC 5322 mailboxes ("Name <local@domain>" or {name, address}); the display name is
 * kept, IDN domains are accepted and carried in their ASCII (punycode) form for the wire,
 * and CR/LF anywhere is refused (header injection).
 */

import { domainToASCII } from 'node:url';
import addressparser from 'nodemailer/lib/addressparser/index.js';

export interface Mailbox {
  readonly name?: string;
  /** local@domain with the domain in ASCII (punycode) form. */
  readonly address: string;
}

const CRLF = /[\r\n]/;
// RFC 5321 dot-atom local part (we do not accept quoted local parts: no provider we target
// delivers them reliably) plus the UTF-8 local parts of RFC 6531.
const LOCAL_PART = /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+(\.[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+)*$/u;
const DOMAIN_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

export function hasLineBreak(value: string): boolean {
  return CRLF.test(value);
}

/** Returns the address normalized (ASCII domain, lower-cased) or a reason it is not valid. */
export function normalizeAddress(raw: string): { ok: true; address: string } | { ok: false; reason: string } {
  if (hasLineBreak(raw)) return { ok: false, reason: 'contains a line break' };
  const at = raw.lastIndexOf('@');
  if (at <= 0 || at === raw.length - 1) return { ok: false, reason: `"${raw}" is not local@domain` };
  const local = raw.slice(0, at);
  const domain = domainToASCII(raw.slice(at + 1).toLowerCase());
  if (local.length > 64 || !LOCAL_PART.test(local)) return { ok: false, reason: `invalid local part in "${raw}"` };
  const labels = domain.split('.');
  if (!domain || domain.length > 253 || labels.length < 2 || !labels.every((l) => DOMAIN_LABEL.test(l))) {
    return { ok: false, reason: `invalid domain in "${raw}"` };
  }
  return { ok: true, address: `${local}@${domain}` };
}

// RFC 5322 name-addr: a display name (a phrase of atoms, "." allowed as obs-phrase does, or one
// quoted string) followed by <addr-spec>. Comments and anything after ">" are not accepted.
const NAME_ADDR = /^\s*(?<name>[^<>]*?)\s*<(?<address>[^<>]*)>\s*$/u;
const PHRASE = /^[\p{L}\p{N}\p{M}!#$%&'*+/=?^_`{|}~.\- ]*$/u;
const QUOTED_STRING = /^"(?:[^"\\]|\\.)*"$/u;

/** The address as the input writes it (whole input, or the inside of <> after a valid display name). */
function writtenAddress(input: string): string | undefined {
  const nameAddr = NAME_ADDR.exec(input);
  if (!nameAddr) return input.trim();
  const { name = '', address = '' } = nameAddr.groups ?? {};
  return PHRASE.test(name) || QUOTED_STRING.test(name) ? address.trim() : undefined;
}

/**
 * Parses one mailbox given as an RFC 5322 string or an object. Returns the mailbox or the
 * reason it was refused. A string holding several mailboxes is refused here; lists are
 * expressed as JSON arrays in the contract.
 */
export function parseMailbox(
  input: string | { name?: string; address: string },
): { ok: true; value: Mailbox } | { ok: false; reason: string } {
  let name: string | undefined;
  let address: string;
  if (typeof input === 'string') {
    if (hasLineBreak(input)) return { ok: false, reason: 'contains a line break' };
    const parsed = addressparser(input, { flatten: true });
    if (parsed.length !== 1 || !parsed[0]?.address) return { ok: false, reason: `"${input}" is not a single mailbox` };
    // addressparser is lenient: it reads "john smith@example.com" as the name "john" and the
    // address "smith@example.com". What it returns must be what the input says, or the mail
    // goes to someone else: the address is the whole input, or exactly what is inside <>.
    const written = writtenAddress(input);
    if (written === undefined || written !== parsed[0].address)
      return { ok: false, reason: `"${input}" is not a mailbox ("local@domain" or "Name <local@domain>")` };
    name = parsed[0].name || undefined;
    address = parsed[0].address;
  } else {
    name = input.name || undefined;
    address = input.address;
  }
  if (name !== undefined && hasLineBreak(name)) return { ok: false, reason: 'display name contains a line break' };
  const normalized = normalizeAddress(address.trim());
  if (!normalized.ok) return normalized;
  return { ok: true, value: name === undefined ? { address: normalized.address } : { name, address: normalized.address } };
}

/** "Name <address>" with the name quoted when it needs to be (nodemailer re-encodes non-ASCII). */
export function formatMailbox(mailbox: Mailbox): string {
  if (!mailbox.name) return mailbox.address;
  const needsQuotes = /[()<>[\]:;@\\,."]/.test(mailbox.name);
  const name = needsQuotes ? `"${mailbox.name.replace(/(["\\])/g, '\\$1')}"` : mailbox.name;
  return `${name} <${mailbox.address}>`;
}
