/**
 * Reads the local SMS outbox (the JSON Lines file LocalSmsProvider appends to) for the CLI:
 * the entries of one message, by our id or by the provider message id it was given.
 */
import { FileSmsOutbox, type SmsOutboxRecord } from '../providers/sms/outbox.js';

export type OutboxEntry = SmsOutboxRecord;

export async function findOutboxEntries(path: string, messageId: string, providerMessageId?: string): Promise<OutboxEntry[]> {
  const all = await new FileSmsOutbox(path).list();
  return all.filter((r) => r.id === messageId || (providerMessageId !== undefined && r.providerMessageId === providerMessageId));
}
