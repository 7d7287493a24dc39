/**
 * `mailroom inbound receive|list|show`. `receive` is local only: it stores the .eml in the
 * local inbound bucket as SES's S3 action would and runs the notification through the same
 * `ingestReceiptNotification` the inbound Lambda runs. `list` and `show` read the inbound
 * table's access patterns (by recipient newest first, recent by day, by id).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { InboundRecord, Verdict } from '../../contract/records.js';
import { readInboundBodies } from '../../inbound/bodies.js';
import { ingestReceiptNotification } from '../../inbound/ingest.js';
import { deliverLocalInbound, VERDICT_NAMES, type VerdictName } from '../../local/inbound-delivery.js';
import { InboundStore, type InboundSummary } from '../../store/inbound.js';
import type { StoredInboundRecord } from '../../store/types.js';
import { CliError, EXIT, NotFoundError, UsageError } from '../errors.js';
import { inboundDeps, stderrLogger } from '../ingest-deps.js';
import { type CliIo, cut, oneLine, printableBlock, printFields, printJsonLine, printLine, printTable } from '../io.js';
import { type CommandContext, collect } from '../registration.js';
import type { Target } from '../target.js';

const mailbox = (m: { name?: string; address: string } | undefined): string | undefined =>
  m ? (m.name ? `${m.name} <${m.address}>` : m.address) : undefined;

/** The contract's fields (docs/contract.md §4), without the store's bookkeeping. */
export function publicInbound(stored: StoredInboundRecord): InboundRecord {
  const { ingestedAt: _ingested, publishedAt: _published, ...record } = stored;
  return record;
}

export interface InboundReceiveFlags {
  readonly to: string[];
  readonly from?: string;
  readonly verdict?: string[];
  readonly json?: boolean;
}

const VERDICTS: readonly Verdict[] = ['PASS', 'FAIL', 'GRAY', 'PROCESSING_FAILED', 'DISABLED'];

/** `--verdict virus=FAIL` pairs → verdicts. */
export function parseVerdicts(pairs: readonly string[] = []): Partial<Record<VerdictName, Verdict>> {
  const verdicts: Partial<Record<VerdictName, Verdict>> = {};
  for (const pair of pairs) {
    const [name, status] = pair.split('=');
    if (!(VERDICT_NAMES as readonly string[]).includes(name ?? '') || !VERDICTS.includes(status?.toUpperCase() as Verdict)) {
      throw new UsageError(`--verdict expects one of ${VERDICT_NAMES.join('|')}=${VERDICTS.join('|')}, got "${pair}"`);
    }
    verdicts[name as VerdictName] = status!.toUpperCase() as Verdict;
  }
  return verdicts;
}

export async function inboundReceive(io: CliIo, target: Target, file: string, opts: InboundReceiveFlags): Promise<void> {
  const verdicts = parseVerdicts(opts.verdict);
  if (target.kind !== 'local') {
    throw new UsageError('inbound receive drives the local pipeline only; in AWS, send mail to an address your receipt rule covers');
  }
  let raw: Buffer;
  try {
    raw = readFileSync(resolve(io.cwd, file));
  } catch (cause) {
    throw new UsageError(`${file}: ${(cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (cause as Error).message}`);
  }
  const deps = inboundDeps(target, stderrLogger(io.err));
  const notification = await deliverLocalInbound({
    s3: target.clients.s3,
    bucket: deps.bucket,
    objectKeyPrefix: target.inboundObjectPrefix,
    raw,
    recipients: opts.to,
    ...(opts.from ? { envelopeSender: opts.from } : {}),
    verdicts,
    ...(target.topics.inbound ? { topicArn: target.topics.inbound } : {}),
  }).catch((cause: unknown) => {
    throw new CliError(`could not deliver ${file}: ${(cause as Error).message}`, EXIT.usage, { cause });
  });
  const result = await ingestReceiptNotification(notification, deps);
  const record = publicInbound(result.record);
  if (opts.json) {
    printJsonLine(io, record);
    return;
  }
  printLine(io, record.id);
  io.err(
    `${result.status === 'stored' ? 'received' : 'already had'} inbound message ${record.id}; see it with: mailroom inbound show ${record.id}\n`,
  );
}

export async function inboundList(io: CliIo, target: Target, opts: { recipient?: string; limit?: number; json?: boolean }): Promise<void> {
  if (opts.limit !== undefined && !(Number.isInteger(opts.limit) && opts.limit > 0))
    throw new UsageError('--limit must be a positive integer');
  const store = new InboundStore(target.clients.doc, target.tables.inbound);
  const limit = opts.limit ?? 50;
  const items: InboundSummary[] = opts.recipient
    ? await store.listByRecipient(opts.recipient, { limit })
    : await store.listRecent({ limit });
  if (opts.json) {
    for (const item of items) printJsonLine(io, item);
    return;
  }
  if (!items.length) {
    io.err('no inbound messages\n');
    return;
  }
  printTable(io, items, [
    { header: 'received', value: (i) => i.receivedAt },
    { header: 'id', value: (i) => i.id },
    { header: 'from', value: (i) => mailbox(i.from) },
    { header: 'to', value: (i) => i.recipient ?? i.envelopeRecipients?.join(', ') },
    { header: 'subject', value: (i) => oneLine(i.subject, 50) },
  ]);
}

/** Verdicts in SES's order (the stored map's key order is whatever DynamoDB returns). */
const VERDICT_ORDER = ['spam', 'virus', 'spf', 'dkim', 'dmarc'] as const;

/** Filenames are cut in the table (a sender may send 1000 characters); --json has them whole. */
const TABLE_FILENAME_LENGTH = 60;

export async function inboundShow(io: CliIo, target: Target, id: string, json: boolean): Promise<void> {
  const stored = await new InboundStore(target.clients.doc, target.tables.inbound).get(id);
  if (!stored) throw new NotFoundError(`no inbound message with id ${id} in ${target.label}`);
  // Bodies (or, for record_too_large, the whole parsed mail) moved to S3 are put back, so
  // `show` always shows the message; `bodies` still says where they live.
  const record: InboundRecord = { ...publicInbound(stored), ...(stored.bodies ? await readInboundBodies(target.clients.s3, stored) : {}) };
  if (json) {
    printJsonLine(io, record);
    return;
  }
  const verdicts = VERDICT_ORDER.flatMap((k) => (record.verdicts?.[k] ? [`${k} ${record.verdicts[k]}`] : [])).join(', ');
  printFields(io, [
    ['id', record.id],
    ['received', record.receivedAt],
    ['envelope', `${record.envelopeSender ?? '?'} → ${record.envelopeRecipients.join(', ')}`],
    ['from', mailbox(record.from)],
    ['to', record.to.map(mailbox).join(', ') || undefined],
    ['cc', record.cc.map(mailbox).join(', ') || undefined],
    ['reply-to', record.replyTo.map(mailbox).join(', ') || undefined],
    ['subject', record.subject],
    ['date', record.date],
    ['message-id', record.messageIdHeader],
    ['verdicts', verdicts || undefined],
    ['spam', record.spamDetected === undefined ? undefined : String(record.spamDetected)],
    ['raw', `s3://${record.raw.bucket}/${record.raw.key}`],
    ['bodies', record.bodies ? `s3://${record.bodies.bucket}/${record.bodies.key}` : undefined],
    ['error', record.error ? `${record.error.code}: ${record.error.message}` : undefined],
    ['html', record.html !== undefined ? `${record.html.length} characters (--json prints it)` : undefined],
  ]);
  const text = record.text?.trimEnd();
  if (text) {
    printLine(io);
    printLine(io, printableBlock(text.length > 2000 ? `${text.slice(0, 2000)}\n…[${text.length - 2000} more characters]` : text));
  }
  if (record.attachments.length) {
    printLine(io);
    printTable(io, record.attachments, [
      { header: 'filename', value: (a) => cut(a.filename, TABLE_FILENAME_LENGTH) },
      { header: 'type', value: (a) => a.contentType },
      { header: 'size', value: (a) => String(a.size) },
      { header: 'disposition', value: (a) => a.disposition + (a.contentId ? ` <${a.contentId}>` : '') },
      { header: 's3', value: (a) => `s3://${a.s3.bucket}/${a.s3.key}${a.quarantined ? ' (QUARANTINED)' : ''}` },
    ]);
  }
}

/** Registers `inbound receive|list|show` on the program. */
export function registerInboundCommand(program: Command, ctx: CommandContext): void {
  const { io, withTarget } = ctx;
  const inbound = program.command('inbound').description('inbound mail: receive locally, list, show');
  inbound
    .command('receive')
    .description('deliver a raw message (.eml) to the inbound pipeline as SES would (S3 action)')
    .argument('<file>', 'RFC 5322 message file')
    .requiredOption('--to <address>', 'envelope recipient (repeatable)', collect)
    .option('--from <address>', 'envelope sender (default: the From header)')
    .option(
      '--verdict <name=STATUS>',
      'scan result to report, e.g. virus=FAIL (repeatable; default PASS for spam, virus, spf, dkim, dmarc)',
      collect,
    )
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
}
