/**
 * A recipient given on the command line (an email address, "Name <address>", or an E.164
 * number) as the key the stores use: parsed exactly as the send path parses a message's
 * recipients (src/contract), so an IDN domain becomes its ASCII form and a number its E.164
 * form, then keyed by recipientKey as every store keys it. A lookup under any other
 * spelling would silently find nothing.
 */
import { parseMailbox } from '../contract/address.js';
import { parseE164 } from '../contract/phone.js';
import { recipientKey } from '../contract/recipient-key.js';
import { UsageError } from './errors.js';

export function addressArg(raw: string, what: string): string {
  const value = raw.trim();
  const parsed = value.startsWith('+') ? parseE164(value) : parseMailbox(value);
  if (!parsed.ok) throw new UsageError(`${what}: ${parsed.reason}`);
  return recipientKey(typeof parsed.value === 'string' ? parsed.value : parsed.value.address);
}
