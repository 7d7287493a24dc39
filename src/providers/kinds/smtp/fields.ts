/**
 * How a message sent through an SMTP relay is found again. SMTP has no metadata channel and no
 * webhooks, and the contract forbids our id in any header the recipient sees (docs/contract.md
 * §1, §8), so our id is NOT carried in the message. Instead the Message-ID header is derived
 * from it with a keyed hash: opaque to the recipient, the same on every attempt (so a retry
 * after an ambiguous failure produces the same Message-ID, which receiving systems use to
 * de-duplicate), and stored as the record's providerMessageId, which is how a bounce or a
 * reply quoting it (In-Reply-To, a DSN's Original-Message-ID) is joined back to the message.
 */
import { createHmac } from 'node:crypto';

/** `<hex@domain>`: 32 hex characters of HMAC-SHA256(key, messageId); domain is the From domain. */
export function smtpMessageId(messageId: string, key: string, domain: string): string {
  const hash = createHmac('sha256', key).update(messageId, 'utf8').digest('hex').slice(0, 32);
  return `<${hash}@${domain}>`;
}
