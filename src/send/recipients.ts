/**
 * Who a message goes to, under the keys the messages table uses (recipientKey), and the
 * message with some recipients taken out (suppressed ones are skipped, not sent).
 */
import { type Mailbox, parseMailbox } from '../contract/address.js';
import type { EmailMessage, Message } from '../contract/message.js';
import { recipientKey } from '../contract/recipient-key.js';

/** Every recipient key of the message: email to + cc + bcc (deduplicated), or the SMS number. */
export function recipientKeysOf(message: Message): string[] {
  if (message.channel === 'sms') return [recipientKey(message.to)];
  const keys = [...(message.to ?? []), ...(message.cc ?? []), ...(message.bcc ?? [])].map((m) => recipientKey(m.address));
  return [...new Set(keys)];
}

/**
 * The message without the recipients whose keys are in `skip`. Only email can lose some
 * recipients and keep others (an SMS has one); `mergeData` entries of skipped recipients go too,
 * so a bulk send never addresses them.
 */
export function withoutRecipients(message: Message, skip: ReadonlySet<string>): Message {
  if (skip.size === 0 || message.channel === 'sms') return message;
  const keep = (list: Mailbox[] | undefined) => {
    const kept = list?.filter((m) => !skip.has(recipientKey(m.address)));
    return kept?.length ? kept : undefined;
  };
  const filtered: EmailMessage = { ...message, to: keep(message.to), cc: keep(message.cc), bcc: keep(message.bcc) };
  if (message.mergeData) {
    filtered.mergeData = Object.fromEntries(
      Object.entries(message.mergeData).filter(([key]) => {
        const parsed = parseMailbox(key);
        return !(parsed.ok && skip.has(recipientKey(parsed.value.address)));
      }),
    );
  }
  return filtered;
}
