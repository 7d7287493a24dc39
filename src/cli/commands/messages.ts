/**
 * `mailroom messages --recipient R`: the messages sent to one address or number, newest first
 * (docs/contract.md §5), through the messages table's byRecipient index (MessageStore.listByRecipient),
 * never a scan. Each row is the message item itself (the authority on its status), with that
 * recipient's own state beside the message's.
 */

import type { Command } from 'commander';
import { InvalidCursorError } from '../../store/message-queries.js';
import { MessageStore } from '../../store/messages.js';
import { addressArg } from '../address-arg.js';
import { UsageError } from '../errors.js';
import { type CliIo, printJsonLine, printTable } from '../io.js';
import type { CommandContext } from '../registration.js';
import type { Target } from '../target.js';
import { publicRecord } from './status.js';

export interface MessagesFlags {
  readonly recipient?: string;
  readonly limit?: number;
  readonly cursor?: string;
  readonly json?: boolean;
}

/** The page size the store serves at most (one Query page). */
export const MAX_LIMIT = 100;

/** Checks the flags without touching any store; returns the recipient key to query. */
export function checkMessagesFlags(flags: MessagesFlags): string {
  if (flags.recipient === undefined) throw new UsageError('messages needs --recipient (an email address or an E.164 number)');
  if (flags.limit !== undefined && !(Number.isInteger(flags.limit) && flags.limit > 0 && flags.limit <= MAX_LIMIT)) {
    throw new UsageError(`--limit must be an integer from 1 to ${MAX_LIMIT}`);
  }
  return addressArg(flags.recipient, '--recipient');
}

export async function listMessages(io: CliIo, target: Target, flags: MessagesFlags): Promise<void> {
  const recipient = checkMessagesFlags(flags);
  const store = new MessageStore(target.clients.doc, target.tables.messages);
  let page: Awaited<ReturnType<typeof store.listByRecipient>>;
  try {
    page = await store.listByRecipient(recipient, { limit: flags.limit ?? 25, ...(flags.cursor ? { cursor: flags.cursor } : {}) });
  } catch (error) {
    if (error instanceof InvalidCursorError) throw new UsageError(`--cursor: ${error.message}`);
    throw error;
  }
  const records = page.items.map(publicRecord);
  if (flags.json) {
    for (const r of records) printJsonLine(io, r);
  } else if (records.length) {
    printTable(io, records, [
      { header: 'created', value: (r) => r.createdAt },
      { header: 'id', value: (r) => r.id },
      { header: 'channel', value: (r) => r.channel },
      { header: 'status', value: (r) => r.status },
      { header: 'recipient status', value: (r) => r.recipients[recipient]?.status },
    ]);
  } else {
    io.err(`no messages to ${recipient}\n`);
  }
  if (page.cursor) io.err(`older messages: mailroom messages --recipient ${recipient} --cursor ${page.cursor}\n`);
}

/** Registers `messages` on the program. */
export function registerMessagesCommand(program: Command, ctx: CommandContext): void {
  const { io, withTarget } = ctx;
  program
    .command('messages')
    .description('messages sent to one recipient, newest first')
    .requiredOption('--recipient <address>', 'email address or E.164 number')
    .option('--limit <n>', 'at most n messages (1-100, default 25)', (v) => Number.parseInt(v, 10))
    .option('--cursor <cursor>', 'continue from where the previous page ended (printed on stderr)')
    .option('--json', 'one JSON line per message')
    .action(async (opts: MessagesFlags) => {
      checkMessagesFlags(opts);
      await withTarget(async (target, flags: MessagesFlags) => listMessages(io, target, flags))(opts);
    });
}
