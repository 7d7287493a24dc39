/**
 * `mailroom events`: tracking events through the events table's access patterns only
 * (docs/contract.md §5): by message (byMessage index, our id and the provider's), by recipient
 * (byRecipient) or by type within a time range (byType). Never a scan.
 */

import { type Command, Option } from 'commander';
import { EVENT_TYPES, type EventType, type NormalizedEvent } from '../../contract/records.js';
import { EventStore } from '../../store/events.js';
import { MessageStore } from '../../store/messages.js';
import { UsageError } from '../errors.js';
import { type CliIo, oneLine, printJsonLine, printLine, printTable } from '../io.js';
import type { CommandContext } from '../registration.js';
import type { Target } from '../target.js';

export interface EventsFlags {
  readonly messageId?: string;
  readonly recipient?: string;
  readonly type?: string;
  readonly since?: string;
  readonly limit?: number;
  readonly json?: boolean;
}

/** Checks the flags without touching any store, so a usage error never needs a target. */
export function checkEventsFlags(flags: EventsFlags): void {
  const chosen = [flags.messageId, flags.recipient, flags.type].filter((v) => v !== undefined);
  if (chosen.length !== 1) throw new UsageError('choose exactly one of --message-id, --recipient, --type');
  if (flags.type !== undefined && !(EVENT_TYPES as readonly string[]).includes(flags.type)) {
    throw new UsageError(`--type must be one of ${EVENT_TYPES.join(', ')}`);
  }
  if (flags.since !== undefined && Number.isNaN(Date.parse(flags.since)))
    throw new UsageError(`--since ${flags.since} is not an ISO-8601 date`);
  if (flags.limit !== undefined && !(Number.isInteger(flags.limit) && flags.limit > 0))
    throw new UsageError('--limit must be a positive integer');
}

export async function queryEvents(target: Target, flags: EventsFlags): Promise<NormalizedEvent[]> {
  checkEventsFlags(flags);
  const store = new EventStore(target.clients.doc, target.tables.events);
  const opts = { ...(flags.since ? { since: new Date(flags.since).toISOString() } : {}), ...(flags.limit ? { limit: flags.limit } : {}) };
  if (flags.messageId !== undefined) {
    // Events that arrived before the join to our id are filed under the provider's id: ask for both.
    const record = await new MessageStore(target.clients.doc, target.tables.messages).get(flags.messageId);
    const ids = [flags.messageId, ...(record?.providerMessageId ? [record.providerMessageId] : [])];
    const providers = [...new Set(['ses', 'sns', 'local', ...(record?.provider ? [record.provider] : [])])];
    return store.byMessage(ids, { ...opts, providers });
  }
  if (flags.recipient !== undefined) return store.byRecipient(flags.recipient, opts);
  return store.byType(flags.type as EventType, opts);
}

export async function listEvents(io: CliIo, target: Target, flags: EventsFlags): Promise<void> {
  const events = await queryEvents(target, flags);
  if (flags.json) {
    for (const e of events) printJsonLine(io, e);
    return;
  }
  if (!events.length) {
    io.err('no events\n');
    return;
  }
  printTable(io, events, [
    { header: 'timestamp', value: (e) => e.timestamp },
    { header: 'type', value: (e) => e.eventType },
    { header: 'recipient', value: (e) => e.recipient },
    { header: 'message', value: (e) => e.messageId ?? (e.providerMessageId ? `${e.provider}:${e.providerMessageId}` : undefined) },
    {
      header: 'detail',
      value: (e) => oneLine([e.bounceType, e.rejectReason, e.description ?? e.mtaResponse].filter(Boolean).join(' · ') || undefined),
    },
  ]);
  printLine(io);
  io.err(`${events.length} event${events.length === 1 ? '' : 's'}\n`);
}

/** Registers `events` on the program. */
export function registerEventsCommand(program: Command, ctx: CommandContext): void {
  const { io, withTarget } = ctx;
  program
    .command('events')
    .description('list tracking events by message, recipient or type (time order)')
    .option('--message-id <id>', 'events of one message')
    .option('--recipient <address>', 'events of one recipient (address or E.164 number)')
    .addOption(new Option('--type <eventType>', 'events of one type'))
    .option('--since <iso>', 'only events at or after this ISO-8601 instant')
    .option('--limit <n>', 'at most n events', (v) => Number.parseInt(v, 10))
    .option('--json', 'one JSON line per event')
    .action(async (opts: EventsFlags) => {
      checkEventsFlags(opts);
      await withTarget(async (target, flags: EventsFlags) => listEvents(io, target, flags))(opts);
    });
}
