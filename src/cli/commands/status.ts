/**
 * `mailroom status ID [--json]`: the message record (docs/contract.md §2) with its per-recipient
 * state, read by id (a strongly consistent GetItem), or `status --provider-message-id PMID`:
 * the message a provider id belongs to, through the byProviderMessageId index (docs/contract.md §5).
 * For an SMS on the local pipeline, the entry the local SMS provider wrote to the outbox is
 * shown too: that is the "phone".
 */

import type { Command } from 'commander';
import type { MessageRecord } from '../../contract/records.js';
import { findOutboxEntries, type OutboxEntry } from '../../local/outbox-reader.js';
import { MessageStore, type StoredMessage } from '../../store/messages.js';
import { NotFoundError, UsageError } from '../errors.js';
import { type CliIo, printFields, printJsonLine, printLine, printTable } from '../io.js';
import type { CommandContext } from '../registration.js';
import type { Target } from '../target.js';

/** The public record: the contract's fields only, none of the store's bookkeeping. */
export function publicRecord(stored: StoredMessage): MessageRecord {
  const keys: readonly (keyof MessageRecord)[] = [
    'id',
    'channel',
    'provider',
    'providerMessageId',
    'status',
    'attempts',
    'createdAt',
    'updatedAt',
    'sentAt',
    'error',
    'tags',
    'metadata',
    'recipients',
    'idDerived',
    'rawBody',
    'smsSegments',
    'smsEncoding',
  ];
  const record = Object.fromEntries(keys.filter((k) => stored[k] !== undefined).map((k) => [k, stored[k]])) as Record<string, unknown>;
  // Per-recipient entries carry the store's ordering rank too; the contract names four fields.
  record.recipients = Object.fromEntries(
    Object.entries(stored.recipients ?? {}).map(([address, s]) => [
      address,
      Object.fromEntries(
        (['status', 'lastEventType', 'lastEventAt', 'providerMessageId'] as const).filter((k) => s[k] !== undefined).map((k) => [k, s[k]]),
      ),
    ]),
  );
  return record as unknown as MessageRecord;
}

/** Which message: by our id, or by the provider's message id. */
export type StatusLookup = { readonly id: string } | { readonly providerMessageId: string };

/** `status ID` or `status --provider-message-id PMID`, exactly one; checked before any target is resolved. */
export function statusLookup(id: string | undefined, providerMessageId: string | undefined): StatusLookup {
  if ((id === undefined) === (providerMessageId === undefined))
    throw new UsageError('status needs a message id or --provider-message-id (one, not both)');
  return id !== undefined ? { id } : { providerMessageId: providerMessageId! };
}

async function find(target: Target, lookup: StatusLookup): Promise<StoredMessage> {
  const store = new MessageStore(target.clients.doc, target.tables.messages);
  if ('id' in lookup) {
    const stored = await store.get(lookup.id);
    if (!stored)
      throw new NotFoundError(`no message with id ${lookup.id} in ${target.label} (it may still be on the queue: try again in a moment)`);
    return stored;
  }
  const stored = await store.getByProviderMessageId(lookup.providerMessageId);
  if (!stored) {
    throw new NotFoundError(
      `no message with provider message id ${lookup.providerMessageId} in ${target.label} (the index is eventually consistent: one sent a moment ago may not show yet)`,
    );
  }
  return stored;
}

export async function showStatus(io: CliIo, target: Target, lookup: StatusLookup, json: boolean): Promise<void> {
  const stored = await find(target, lookup);
  const record = publicRecord(stored);
  const outbox =
    record.channel === 'sms' && target.outbox ? await findOutboxEntries(target.outbox, record.id, record.providerMessageId) : [];
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
    [
      'metadata',
      record.metadata
        ? Object.entries(record.metadata)
            .map(([k, v]) => `${k}=${String(v)}`)
            .join(', ')
        : undefined,
    ],
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
  for (const e of entries)
    printFields(io, [
      ['  to', e.to],
      ['  from', e.from],
      ['  sent', e.sentAt],
      ['  segments', `${e.segments} (${e.encoding})`],
      ['  body', e.body],
    ]);
}

/** Registers `status` on the program. */
export function registerStatusCommand(program: Command, ctx: CommandContext): void {
  const { io, withTarget } = ctx;
  program
    .command('status')
    .description('show a message: status, attempts, error, per-recipient state')
    .argument('[id]', 'message id')
    .option('--provider-message-id <id>', "find the message by the provider's message id (SES or SNS) instead")
    .option('--json', 'print the record as one JSON line')
    .action(async (id: string | undefined, opts: { providerMessageId?: string; json?: boolean }) => {
      const lookup = statusLookup(id, opts.providerMessageId);
      await withTarget(async (target) => showStatus(io, target, lookup, Boolean(opts.json)))();
    });
}
