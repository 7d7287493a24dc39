/**
 * `npx mailroom`: the command line (docs/contract.md §6). `main(argv, io)` parses, runs one
 * command against the target (local pipeline by default, `--stack NAME` for a deployed
 * stack) and returns the exit code: 0 ok, 1 not found (or an operational failure), 2 usage
 * or validation error. bin/mailroom.js calls it; tests call it directly with their own io.
 * Each command registers itself from its own file (./commands/*.ts).
 */
import { Command, CommanderError } from 'commander';
import { registerCancelCommand } from './commands/cancel.js';
import { registerEventsCommand } from './commands/events.js';
import { registerInboundCommand } from './commands/inbound.js';
import { registerMessagesCommand } from './commands/messages.js';
import { registerReplayCommand } from './commands/replay.js';
import { registerSendCommand } from './commands/send.js';
import { registerStatusCommand } from './commands/status.js';
import { registerSuppressionsCommand } from './commands/suppressions.js';
import { CliError, EXIT } from './errors.js';
import { type CliIo, processIo } from './io.js';
import type { WithTarget } from './registration.js';
import { resolveTarget } from './target.js';

interface GlobalFlags {
  readonly stack?: string;
  readonly region?: string;
}

export function buildProgram(io: CliIo): Command {
  const program = new Command('mailroom')
    .description(
      'Mailroom: send email and SMS through SQS, follow every event, read inbound mail.\nTargets the local pipeline (npm start) unless --stack names a deployed stack.',
    )
    .option('--stack <name>', 'deployed stack to target (read from its CloudFormation outputs)')
    .option('--region <region>', 'AWS region of --stack (default: AWS_REGION)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });

  /** Runs `fn` with the resolved target and always releases its clients. */
  const withTarget: WithTarget =
    (fn) =>
    async (...args) => {
      const target = await resolveTarget(program.opts<GlobalFlags>(), io.cwd, io.env);
      try {
        await fn(target, ...args);
      } finally {
        target.close();
      }
    };

  const ctx = { io, withTarget };
  registerSendCommand(program, ctx);
  registerStatusCommand(program, ctx);
  registerMessagesCommand(program, ctx);
  registerCancelCommand(program, ctx);
  registerEventsCommand(program, ctx);
  registerInboundCommand(program, ctx);
  registerSuppressionsCommand(program, ctx);
  registerReplayCommand(program, ctx);
  return program;
}

/** Runs the CLI; never throws, returns the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are successes; every other commander error is a usage error.
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.help' || error.code === 'commander.version'
        ? EXIT.ok
        : EXIT.usage;
    }
    if (error instanceof CliError) {
      io.err(`error: ${error.message}\n${error.details.map((d) => `  - ${d}\n`).join('')}`);
      return error.exitCode;
    }
    io.err(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failure;
  }
}
