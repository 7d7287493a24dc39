/**
 * `mailroom send email|sms|--file`: builds or reads a contract v1 body, validates it with the
 * same `validateMessage` the send Lambda runs (so a refusal here is a refusal there, with the
 * same field reasons, exit 2), and enqueues it with SendMessage on the channel's queue,
 * exactly as a producer would. Prints the message id to query with `mailroom status`.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { type Command, Option } from 'commander';
import { InvalidMessageError, validateMessage } from '../../contract/validate.js';
import { CliError, EXIT, UsageError } from '../errors.js';
import { type CliIo, printJsonLine, printLine } from '../io.js';
import { type EmailFlags, emailFromFlags, type SmsFlags, smsFromFlags } from '../message-input.js';
import { type CommandContext, collect } from '../registration.js';
import type { Target } from '../target.js';

export interface SendResult {
  readonly id: string;
  readonly idDerived: boolean;
  readonly channel: 'email' | 'sms';
  readonly queueUrl: string;
  readonly sqsMessageId?: string;
}

export async function enqueue(target: Target, body: string): Promise<SendResult> {
  let validated: ReturnType<typeof validateMessage>;
  try {
    validated = validateMessage(body);
  } catch (error) {
    if (error instanceof InvalidMessageError) {
      throw new UsageError('the message is invalid; nothing was sent', {
        details: error.reasons.map((r) => (r.path ? `${r.path}: ${r.message}` : r.message)),
      });
    }
    throw error;
  }
  const channel = validated.message.channel;
  const queueUrl = target.queues[channel];
  try {
    const out = await target.clients.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    return {
      id: validated.id,
      idDerived: validated.idDerived,
      channel,
      queueUrl,
      ...(out.MessageId ? { sqsMessageId: out.MessageId } : {}),
    };
  } catch (cause) {
    const bytes = Buffer.byteLength(body);
    const hint =
      bytes > 256 * 1024
        ? ` (the body is ${Math.round(bytes / 1024)} KiB: put large attachments in S3 and reference them with attachments[].s3)`
        : '';
    throw new CliError(`could not enqueue on ${queueUrl}: ${(cause as Error).message}${hint}`, EXIT.failure, { cause });
  }
}

/** `send --file msg.json [--id ID]`: the file as is, or with its id replaced. */
export function bodyFromFile(path: string, cwd: string, id: string | undefined): string {
  let raw: string;
  try {
    raw = readFileSync(resolve(cwd, path), 'utf8');
  } catch (cause) {
    throw new UsageError(
      `--file ${path}: ${(cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (cause as Error).message}`,
    );
  }
  if (id === undefined) return raw;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (cause) {
    throw new UsageError(`--file ${path} is not JSON: ${(cause as Error).message}`);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new UsageError(`--file ${path} must hold one JSON object`);
  return JSON.stringify({ ...json, id });
}

export function reportSent(io: CliIo, result: SendResult, json: boolean): void {
  if (json) {
    printJsonLine(io, result);
    return;
  }
  printLine(io, result.id);
  io.err(
    `queued ${result.channel} message ${result.id}${result.idDerived ? ' (id derived from the body: the same body sent again is the same message)' : ''}; follow it with: mailroom status ${result.id}\n`,
  );
}

/**
 * A `send email|sms` subcommand's flags. `send` itself takes --id and --json too (for --file),
 * and commander hands a parent's options to the parent wherever they stand on the command line,
 * so `send email --id X` sets X on `send`: merged here, or the message would go out under a
 * random id and retrying the command would send it twice.
 */
function sendFlags<F>(cmd: Command): F & { json?: boolean } {
  return cmd.optsWithGlobals<F & { json?: boolean }>();
}

/** Registers `send`, `send email`, `send sms` on the program. */
export function registerSendCommand(program: Command, ctx: CommandContext): void {
  const { io, withTarget } = ctx;
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
}
