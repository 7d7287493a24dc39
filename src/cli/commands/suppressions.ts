/**
 * `mailroom suppressions get|add|remove ADDRESS`: the suppression list by address (docs/contract.md
 * §5), read and changed through SuppressionStore, the same code the send path reads before
 * every send and the tracking pipeline writes on bounces, complaints and unsubscribes. Each
 * takes the address (or E.164 number) already keyed as the send path keys recipients
 * (`addressArg`, ../address-arg.ts), so a bad one is refused before any target is resolved.
 */

import { type Command, Option } from 'commander';
import { SUPPRESSION_REASONS } from '../../config/runtime.js';
import { type SuppressionEntry, type SuppressionListReason, SuppressionStore } from '../../store/suppressions.js';
import { addressArg } from '../address-arg.js';
import { NotFoundError } from '../errors.js';
import { type CliIo, printFields, printJsonLine } from '../io.js';
import type { CommandContext } from '../registration.js';
import type { Target } from '../target.js';

/** What `--reason` accepts: an operator's decision, or one of the reasons tracking records. */
export const SUPPRESSION_LIST_REASONS: readonly SuppressionListReason[] = ['manual', ...SUPPRESSION_REASONS];

const storeOf = (target: Target) => new SuppressionStore(target.clients.doc, target.tables.suppressions);

function printEntry(io: CliIo, entry: SuppressionEntry, json: boolean): void {
  if (json) {
    printJsonLine(io, entry);
    return;
  }
  printFields(io, [
    ['address', entry.address],
    ['reason', entry.reason],
    ['reasons', entry.reasons.join(', ')],
    ['first', entry.firstSuppressedAt],
    ['last', entry.lastSuppressedAt],
    ['count', String(entry.count)],
    ['events', entry.sourceEventIds?.join(', ')],
  ]);
}

export async function suppressionGet(io: CliIo, target: Target, address: string, json: boolean): Promise<void> {
  const entry = await storeOf(target).get(address);
  if (!entry) throw new NotFoundError(`${address} is not suppressed in ${target.label}`);
  printEntry(io, entry, json);
}

export async function suppressionAdd(
  io: CliIo,
  target: Target,
  address: string,
  opts: { reason?: SuppressionListReason; json?: boolean },
): Promise<void> {
  const store = storeOf(target);
  // No source event: every manual add counts (the entry's `count` records how often it was confirmed).
  await store.add({ address, reason: opts.reason ?? 'manual', at: new Date().toISOString() });
  const entry = await store.get(address);
  if (!entry) throw new NotFoundError(`${address} was added but is gone again (removed at the same moment?)`);
  printEntry(io, entry, Boolean(opts.json));
  if (!opts.json)
    io.err(`${address} is suppressed: sends to it are skipped (a message whose every recipient is suppressed is cancelled)\n`);
}

export async function suppressionRemove(io: CliIo, target: Target, address: string, json: boolean): Promise<void> {
  if (!(await storeOf(target).remove(address))) throw new NotFoundError(`${address} was not suppressed in ${target.label}`);
  if (json) printJsonLine(io, { address, removed: true });
  else io.err(`${address} is no longer suppressed\n`);
}

/** Registers `suppressions get|add|remove` on the program. */
export function registerSuppressionsCommand(program: Command, ctx: CommandContext): void {
  const { io, withTarget } = ctx;
  /** Suppression commands get the address keyed as the send path keys it, checked before any target is resolved. */
  const withAddress =
    <O>(fn: (target: Target, address: string, opts: O) => Promise<void>) =>
    async (raw: string, opts: O): Promise<void> => {
      const address = addressArg(raw, 'address');
      await withTarget(async (target) => fn(target, address, opts))();
    };
  const suppressions = program.command('suppressions').description('the suppression list: look an address up, add or remove it');
  suppressions
    .command('get')
    .description('is this address (or number) suppressed, why and since when')
    .argument('<address>', 'email address or E.164 number')
    .option('--json', 'print the entry as one JSON line')
    .action(withAddress(async (target, address, opts: { json?: boolean }) => suppressionGet(io, target, address, Boolean(opts.json))));
  suppressions
    .command('add')
    .description('suppress an address: sends to it are skipped')
    .argument('<address>', 'email address or E.164 number')
    .addOption(new Option('--reason <reason>', 'why').choices(SUPPRESSION_LIST_REASONS).default('manual'))
    .option('--json', 'print the entry as one JSON line')
    .action(
      withAddress(async (target, address, opts: { reason?: SuppressionListReason; json?: boolean }) =>
        suppressionAdd(io, target, address, opts),
      ),
    );
  suppressions
    .command('remove')
    .description('lift a suppression')
    .argument('<address>', 'email address or E.164 number')
    .option('--json', 'print the outcome as one JSON line')
    .action(withAddress(async (target, address, opts: { json?: boolean }) => suppressionRemove(io, target, address, Boolean(opts.json))));
}
