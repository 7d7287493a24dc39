/**
 * `mailroom cancel ID`: an operator cancels a message before it is sent (docs/contract.md §2),
 * through MessageStore.cancel. A message the send Lambda has recorded as `pending` (scheduled,
 * or waiting on the queue) or `errored` (between retries) becomes `cancelled`; an id no
 * delivery has recorded yet gets a cancelled placeholder, so the copy on the queue is
 * acknowledged without sending whenever it arrives. `processing`, `sent` and `failed` are too
 * late (exit 1).
 */

import type { Command } from 'commander';
import { MESSAGE_ID_PATTERN } from '../../contract/message.js';
import { type CancelOutcome, MessageStore } from '../../store/messages.js';
import { CliError, EXIT, UsageError } from '../errors.js';
import { type CliIo, printJsonLine, printLine } from '../io.js';
import type { CommandContext } from '../registration.js';
import type { Target } from '../target.js';

const TOO_LATE: Readonly<Record<string, string>> = {
  processing: 'a send is in flight',
  sent: 'it was sent',
  failed: 'it failed',
};

/** A placeholder holds its id for good: never write one under an id no producer could use. */
export function checkCancelId(id: string): void {
  if (!MESSAGE_ID_PATTERN.test(id)) throw new UsageError(`${id} is not a message id (1-128 of [A-Za-z0-9._:-])`);
}

export async function cancelMessage(io: CliIo, target: Target, id: string, json: boolean): Promise<void> {
  checkCancelId(id);
  const { outcome, record } = await new MessageStore(target.clients.doc, target.tables.messages).cancel(id, new Date().toISOString());
  if (json) printJsonLine(io, { id, outcome, status: record.status } satisfies { id: string; outcome: CancelOutcome; status: string });
  if (outcome === 'too_late')
    throw new CliError(`too late to cancel ${id}: ${TOO_LATE[record.status] ?? record.status} (status ${record.status})`, EXIT.failure);
  if (json) return;
  printLine(io, `${id} ${outcome === 'already_cancelled' ? 'was already cancelled' : 'cancelled'}`);
  if (outcome === 'tombstoned') {
    io.err(
      `no message with this id has reached ${target.label} yet: the id is now held as cancelled, and the message is acknowledged without sending when it arrives\n`,
    );
  }
}

/** Registers `cancel` on the program. */
export function registerCancelCommand(program: Command, ctx: CommandContext): void {
  const { io, withTarget } = ctx;
  program
    .command('cancel')
    .description('cancel a message that has not been sent yet (pending, scheduled, or waiting to retry)')
    .argument('<id>', 'message id')
    .option('--json', 'print the outcome as one JSON line')
    .action(async (id: string, opts: { json?: boolean }) => {
      checkCancelId(id);
      await withTarget(async (target) => cancelMessage(io, target, id, Boolean(opts.json)))();
    });
}
