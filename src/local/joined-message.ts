/** How the local SES event watcher (./ses-events.ts) joins an SES message to our record. */
import { encodeTagValue, MESSAGE_ID_TAG, TAG_PATTERN } from '../providers/email/ses-tags.js';
import type { JoinedMessage } from './ses-events.js';

/**
 * What the SES event watcher needs from our record: the envelope recipients of this SES
 * message (for a merge send, only the recipients that got this provider message id) and the
 * SES message tags our adapter set (our id tag; contract tags valid as SES tag names as `true`).
 */
export function joinedMessage(
  record:
    | { id: string; tags?: readonly string[]; recipients: Readonly<Record<string, { status: string; providerMessageId?: string }>> }
    | undefined,
  providerMessageId: string,
): JoinedMessage | undefined {
  if (!record) return undefined;
  const entries = Object.entries(record.recipients);
  const perRecipient = entries.some(([, s]) => s.providerMessageId !== undefined);
  const destination = (
    perRecipient
      ? entries.filter(([, s]) => s.providerMessageId === providerMessageId)
      : entries.filter(([, s]) => s.status !== 'suppressed')
  ).map(([k]) => k);
  const tags: Record<string, string[]> = { [MESSAGE_ID_TAG]: [encodeTagValue(record.id)] };
  for (const tag of record.tags ?? []) if (TAG_PATTERN.test(tag) && !(tag in tags)) tags[tag] = ['true'];
  return { destination, tags };
}
