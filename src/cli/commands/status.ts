/**
 * `mailroom status ID [--json]`: the message record (CONTRACT.md §2) with its per-recipient
 * state, read by id (a strongly consistent GetItem). For an SMS on the local pipeline, the
 * entry the local SMS provider wrote to the outbox is shown too: that is the "phone".
 */
import type { MessageRecord } from '../../contract/records.js';
import { MessageStore, type StoredMessage } from '../../store/messages.js';
import { findOutboxEntries, type OutboxEntry } from '../../local/outbox-reader.js';
import { NotFoundError } from '../errors.js';
import { printFields, printJsonLine, printLine, printTable, type CliIo } from '../io.js';
import type { Target } from '../target.js';

/** The public record: the contract's fields only, none of the store's bookkeeping. */
export function publicRecord(stored: StoredMessage): MessageRecord {
  const keys: readonly (keyof MessageRecord)[] = [
    'id', 'channel', 'provider', 'providerMessageId', 'status', 'attempts', 'createdAt', 'updatedAt', 'sentAt',
    'error', 'tags', 'metadata', 'recipients', 'idDerived', 'rawBody', 'smsSegments', 'smsEncoding',
  ];
  const record = Object.fromEntries(keys.filter((k) => stored[k] !== undefined).map((k) => [k, stored[k]])) as Record<string, unknown>;
  // Per-recipient entries carry the store's ordering rank too; the contract names four fields.
  record.recipients = Object.fromEntries(
    Object.entries(stored.recipients ?? {}).map(([address, s]) => [
      address,
      Object.fromEntries((['status', 'lastEventType', 'lastEventAt', 'providerMessageId'] as const).filter((k) => s[k] !== undefined).map((k) => [k, s[k]])),
    ]),
  );
  return record as unknown as MessageRecord;
}

export async function showStatus(io: CliIo, target: Target, id: string, json: boolean): Promise<void> {
  const stored = await new MessageStore(target.clients.doc, target.tables.messages).get(id);
  if (!stored) throw new NotFoundError(`no message with id ${id} in ${target.label} (it may still be on the queue: try again in a moment)`);
  const record = publicRecord(stored);
  const outbox = record.channel === 'sms' && target.outbox ? await findOutboxEntries(target.outbox, record.id, record.providerMessageId) : [];
  if (json) {
    printJsonLine(io, outbox.length ? { ...record, outbox } : record);
    return;
  }
  printFields(io, [
    ['id', record.id + (record.idDerived ? ' (derived from the body)' : '')],
    ['channel', record.channel],
    ['status', record.status],
    ['provider', [record.provider, record.providerMessageId].filter(Boolean).join(' ') || undefined],
    ['attempts', String(record.attempts)],
    ['created', record.createdAt],
    ['sent', record.sentAt],
    ['updated', record.updatedAt],
    ['error', record.error ? `${record.error.code}: ${record.error.message}${record.error.retryable ? ' (retryable)' : ''}` : undefined],
    ['tags', record.tags?.join(', ')],
    ['metadata', record.metadata ? Object.entries(record.metadata).map(([k, v]) => `${k}=${String(v)}`).join(', ') : undefined],
    ['segments', record.smsSegments !== undefined ? `${record.smsSegments} (${record.smsEncoding ?? '?'})` : undefined],
  ]);
  for (const reason of record.error?.reasons ?? []) printLine(io, `  - ${reason.path ? `${reason.path}: ` : ''}${reason.message}`);
  const recipients = Object.entries(record.recipients ?? {});
  if (recipients.length) {
    printLine(io);
    printTable(io, recipients, [
      { header: 'recipient', value: ([r]) => r },
      { header: 'status', value: ([, s]) => s.status },
      { header: 'last event', value: ([, s]) => s.lastEventType },
      { header: 'at', value: ([, s]) => s.lastEventAt },
    ]);
  }
  if (outbox.length) printOutbox(io, outbox);
}

function printOutbox(io: CliIo, entries: readonly OutboxEntry[]): void {
  printLine(io);
  printLine(io, 'local SMS outbox:');
  for (const e of entries) printFields(io, [['  to', e.to], ['  from', e.from], ['  sent', e.sentAt], ['  segments', `${e.segments} (${e.encoding})`], ['  body', e.body]]);
}
