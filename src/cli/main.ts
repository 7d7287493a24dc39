/**
 * `npx mailroom`: the command line (CONTRACT.md §6). `main(argv, io)` parses, runs one
 * command against the target (local pipeline by default, `--stack NAME` for a deployed
 * stack) and returns the exit code: 0 ok, 1 not found (or an operational failure), 2 usage
 * or validation error. bin/mailroom.js calls it; tests call it directly with their own io.
 */
import { Command, CommanderError, Option } from 'commander';
import { CliError, EXIT } from './errors.js';
import { processIo, type CliIo } from './io.js';
import { resolveTarget, type Target } from './target.js';
import { bodyFromFile, enqueue, reportSent } from './commands/send.js';
import { emailFromFlags, smsFromFlags, type EmailFlags, type SmsFlags } from './message-input.js';
import { showStatus, statusLookup } from './commands/status.js';
import { checkMessagesFlags, listMessages, type MessagesFlags } from './commands/messages.js';
import { SUPPRESSION_LIST_REASONS, suppressionAdd, suppressionGet, suppressionRemove } from './commands/suppressions.js';
import { cancelMessage, checkCancelId } from './commands/cancel.js';
import { addressArg } from './address-arg.js';
import type { SuppressionListReason } from '../store/suppressions.js';
import { checkEventsFlags, listEvents, type EventsFlags } from './commands/events.js';
import { inboundList, inboundReceive, inboundShow, type InboundReceiveFlags } from './commands/inbound.js';
import { replayFile } from './commands/replay.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/**
 * A `send email|sms` subcommand's flags. `send` itself takes --id and --json too (for --file),
 * and commander hands a parent's options to the parent wherever they stand on the command line,
 * so `send email --id X` sets X on `send`: merged here, or the message would go out under a
 * random id and retrying the command would send it twice.
 */
function sendFlags<F>(cmd: Command): F & { json?: boolean } {
  return cmd.optsWithGlobals<F & { json?: boolean }>();
}

interface GlobalFlags {
  readonly stack?: string;
  readonly region?: string;
}

export function buildProgram(io: CliIo): Command {
  const program = new Command('mailroom')
    .description('Mailroom: send email and SMS through SQS, follow every event, read inbound mail.\nTargets the local pipeline (npm start) unless --stack names a deployed stack.')
    .option('--stack <name>', 'deployed stack to target (read from its CloudFormation outputs)')
    .option('--region <region>', 'AWS region of --stack (default: AWS_REGION)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });

  /** Runs `fn` with the resolved target and always releases its clients. */
  const withTarget =
    <A extends unknown[]>(fn: (target: Target, ...args: A) => Promise<void>) =>
    async (...args: A): Promise<void> => {
      const target = await resolveTarget(program.opts<GlobalFlags>(), io.cwd, io.env);
      try {
        await fn(target, ...args);
      } finally {
        target.close();
      }
    };

  const send = program
    .command('send')
    .description('enqueue a message exactly as a producer would, and print its id')
    .option('--file <path>', 'a contract v1 message as JSON')
    .option('--id <id>', 'message id (idempotency key) replacing the one in --file')
    .option('--json', 'print the result as one JSON line')
    .action(
      withTarget(async (target, opts: { file?: string; id?: string; json?: boolean }) => {
        if (!opts.file) throw new CliError('send needs a subcommand (email, sms) or --file', EXIT.usage);
        reportSent(io, await enqueue(target, bodyFromFile(opts.file, io.cwd, opts.id)), Boolean(opts.json));
      }),
    );

  send
    .command('email')
    .description('send an email')
    .requiredOption('--from <mailbox>', 'sender, "Name <a@b>" or a@b')
    .option('--to <mailbox>', 'recipient (repeatable)', collect)
    .option('--cc <mailbox>', 'cc recipient (repeatable)', collect)
    .option('--bcc <mailbox>', 'bcc recipient (repeatable)', collect)
    .option('--reply-to <mailbox>', 'reply-to address (repeatable)', collect)
    .option('--subject <text>', 'subject')
    .option('--text <text>', 'plain-text body')
    .option('--html <html>', 'HTML body')
    .option('--attach <file>', 'attach a file (repeatable)', collect)
    .option('--tag <tag>', 'tag (repeatable)', collect)
    .option('--meta <key=value>', 'metadata entry (repeatable)', collect)
    .option('--id <id>', 'message id (idempotency key); a UUID when absent')
    .option('--json', 'print the result as one JSON line')
    .action(
      withTarget(async (target, _opts: unknown, cmd: Command) => {
        const opts = sendFlags<EmailFlags>(cmd);
        reportSent(io, await enqueue(target, JSON.stringify(emailFromFlags(opts, io.cwd))), Boolean(opts.json));
      }),
    );

  send
    .command('sms')
    .description('send an SMS')
    .requiredOption('--to <number>', 'recipient, E.164 (+14155550100)')
    .requiredOption('--body <text>', 'message text')
    .option('--from <sender>', 'origination number or sender ID')
    .addOption(new Option('--sms-type <type>', 'SMS type').choices(['transactional', 'promotional']))
    .option('--tag <tag>', 'tag (repeatable)', collect)
    .option('--meta <key=value>', 'metadata entry (repeatable)', collect)
    .option('--id <id>', 'message id (idempotency key); a UUID when absent')
    .option('--json', 'print the result as one JSON line')
    .action(
      withTarget(async (target, _opts: unknown, cmd: Command) => {
        const opts = sendFlags<SmsFlags>(cmd);
        reportSent(io, await enqueue(target, JSON.stringify(smsFromFlags(opts))), Boolean(opts.json));
      }),
    );

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

  program
    .command('cancel')
    .description('cancel a message that has not been sent yet (pending, scheduled, or waiting to retry)')
    .argument('<id>', 'message id')
    .option('--json', 'print the outcome as one JSON line')
    .action(async (id: string, opts: { json?: boolean }) => {
      checkCancelId(id);
      await withTarget(async (target) => cancelMessage(io, target, id, Boolean(opts.json)))();
    });

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

  const inbound = program.command('inbound').description('inbound mail: receive locally, list, show');
  inbound
    .command('receive')
    .description('deliver a raw message (.eml) to the inbound pipeline as SES would (S3 action)')
    .argument('<file>', 'RFC 5322 message file')
    .requiredOption('--to <address>', 'envelope recipient (repeatable)', collect)
    .option('--from <address>', 'envelope sender (default: the From header)')
    .option('--verdict <name=STATUS>', 'scan result to report, e.g. virus=FAIL (repeatable; default PASS for spam, virus, spf, dkim, dmarc)', collect)
    .option('--json', 'print the stored record as one JSON line')
    .action(withTarget(async (target, file: string, opts: InboundReceiveFlags) => inboundReceive(io, target, file, opts)));
  inbound
    .command('list')
    .description('newest inbound messages, for one recipient or all')
    .option('--recipient <address>', 'envelope recipient')
    .option('--limit <n>', 'at most n messages', (v) => Number.parseInt(v, 10))
    .option('--json', 'one JSON line per message')
    .action(withTarget(async (target, opts: { recipient?: string; limit?: number; json?: boolean }) => inboundList(io, target, opts)));
  inbound
    .command('show')
    .description('one inbound message with its attachments and their S3 keys')
    .argument('<id>', 'SES message id')
    .option('--json', 'print the record as one JSON line')
    .action(withTarget(async (target, id: string, opts: { json?: boolean }) => inboundShow(io, target, id, Boolean(opts.json))));

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
    .action(withAddress(async (target, address, opts: { reason?: SuppressionListReason; json?: boolean }) => suppressionAdd(io, target, address, opts)));
  suppressions
    .command('remove')
    .description('lift a suppression')
    .argument('<address>', 'email address or E.164 number')
    .option('--json', 'print the outcome as one JSON line')
    .action(withAddress(async (target, address, opts: { json?: boolean }) => suppressionRemove(io, target, address, Boolean(opts.json))));

  program
    .command('replay')
    .description('feed saved SNS HTTP bodies (a JSON array) through the tracking or inbound pipeline')
    .argument('<file>', 'JSON array of SNS message bodies')
    .option('--skip-signature-check', 'the operator vouches for the bodies: no signature, topic-allowlist or age check')
    .option('--json', 'one JSON line per body')
    .action(withTarget(async (target, file: string, opts: { skipSignatureCheck?: boolean; json?: boolean }) => replayFile(io, target, file, opts)));

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
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.help' || error.code === 'commander.version' ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof CliError) {
      io.err(`error: ${error.message}\n${error.details.map((d) => `  - ${d}\n`).join('')}`);
      return error.exitCode;
    }
    io.err(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failure;
  }
}
