/**
 * `mailroom replay FILE [--skip-signature-check]` (docs/contract.md §6): feeds saved SNS HTTP
 * bodies (a JSON array of bodies, as objects or as the raw text) through the same checks and
 * domain code as the HTTPS endpoint, as if SNS had just delivered them:
 *
 * - every check applies (signature, certificate, topic allowlist = the target's topics)
 *   except age: saved bodies are old by nature. With --skip-signature-check the operator
 *   vouches for the bodies: shape only, no signature, allowlist or age check.
 * - SES receipt notifications (`notificationType: "Received"`) go to inbound ingestion
 *   (which fetches S3-action mail from the bucket and key the notification names);
 *   everything else to tracking ingestion.
 * - Subscription and unsubscribe confirmations are reported and skipped: replaying one
 *   must never (re)subscribe anything.
 *
 * Each body reports `stored`, `duplicate` (already ingested: replay is idempotent),
 * `ignored` (not an event), `skipped`, `refused` (with the reason) or `failed`.
 * Exit code: 0 when nothing was refused or failed, 2 when a body was refused or invalid,
 * 1 when one failed for an operational reason (S3, DynamoDB, certificate fetch).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { InvalidReceiptNotificationError } from '../../inbound/errors.js';
import { ingestReceiptNotification } from '../../inbound/ingest.js';
import { isReceiptNotification } from '../../inbound/notification.js';
import { ingestNotification } from '../../tracking/ingest.js';
import { acceptSnsHttpBody, parseSnsEnvelope, SnsEnvelopeError, SnsVerificationError, SnsVerifier } from '../../tracking/sns/index.js';
import { CliError, EXIT, UsageError } from '../errors.js';
import { inboundDeps, stderrLogger, trackingDeps } from '../ingest-deps.js';
import { type CliIo, oneLine, printJsonLine, printTable } from '../io.js';
import type { CommandContext } from '../registration.js';
import type { Target } from '../target.js';

export type ReplayOutcome = 'stored' | 'duplicate' | 'ignored' | 'skipped' | 'refused' | 'failed';

export interface ReplayResult {
  readonly index: number;
  readonly outcome: ReplayOutcome;
  readonly pipeline?: 'tracking' | 'inbound';
  readonly snsMessageId?: string;
  readonly topicArn?: string;
  /** Tracking: events stored / already present. */
  readonly stored?: number;
  readonly duplicates?: number;
  /** Inbound: the SES message id of the stored record. */
  readonly inboundId?: string;
  readonly reason?: string;
}

export function readReplayFile(path: string, cwd: string): string[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(resolve(cwd, path), 'utf8'));
  } catch (cause) {
    throw new UsageError(
      `${path}: ${(cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `not JSON (${(cause as Error).message})`}`,
    );
  }
  if (!Array.isArray(json)) throw new UsageError(`${path} must hold a JSON array of SNS message bodies`);
  return json.map((body) => (typeof body === 'string' ? body : JSON.stringify(body)));
}

export async function replayBodies(
  io: CliIo,
  target: Target,
  bodies: readonly string[],
  skipSignatureCheck: boolean,
): Promise<ReplayResult[]> {
  const logger = stderrLogger(io.err);
  const verifier = new SnsVerifier({
    allowedTopicArns: [target.topics.sesEvents, target.topics.inbound].filter((t): t is string => Boolean(t)),
    skipSignatureCheck,
    maxAgeSeconds: Number.POSITIVE_INFINITY,
  });
  // Refusals are reported per body in the output; the verifier's own warning would say it twice.
  const snsLogger = { info: () => undefined, warn: () => undefined, error: logger.error };
  const snsDeps = { verifier, logger: snsLogger, snsClientForRegion: () => target.clients.sns };
  const tracking = trackingDeps(target);
  const results: ReplayResult[] = [];
  for (const [index, body] of bodies.entries()) {
    results.push(await replayOne(index, body));
  }
  return results;

  async function replayOne(index: number, body: string): Promise<ReplayResult> {
    let envelope: ReturnType<typeof parseSnsEnvelope>;
    try {
      envelope = parseSnsEnvelope(JSON.parse(body));
    } catch (error) {
      const reason = error instanceof SnsEnvelopeError ? error.message : `not JSON: ${(error as Error).message}`;
      return { index, outcome: 'refused', reason: `malformed: ${reason}` };
    }
    const ids = { snsMessageId: envelope.MessageId, topicArn: envelope.TopicArn };
    if (envelope.Type !== 'Notification') return { index, outcome: 'skipped', ...ids, reason: `${envelope.Type} is not replayed` };
    try {
      const accepted = await acceptSnsHttpBody(body, undefined, snsDeps);
      if (accepted.kind !== 'notification')
        return { index, outcome: 'skipped', ...ids, reason: `${accepted.envelope.Type} is not replayed` };
      let message: unknown;
      try {
        message = JSON.parse(accepted.envelope.Message);
      } catch {
        message = accepted.envelope.Message;
      }
      if (isReceiptNotification(message)) {
        const result = await ingestReceiptNotification(message, inboundDeps(target, logger));
        return { index, outcome: result.status, pipeline: 'inbound', ...ids, inboundId: result.record.id };
      }
      const outcome = await ingestNotification(accepted.envelope, tracking);
      if (outcome.ignored) return { index, outcome: 'ignored', pipeline: 'tracking', ...ids, reason: outcome.ignored };
      return {
        index,
        outcome: outcome.stored > 0 ? 'stored' : 'duplicate',
        pipeline: 'tracking',
        ...ids,
        stored: outcome.stored,
        duplicates: outcome.duplicates,
      };
    } catch (error) {
      if (error instanceof SnsVerificationError) return { index, outcome: 'refused', ...ids, reason: `${error.reason}: ${error.message}` };
      if (error instanceof InvalidReceiptNotificationError)
        return { index, outcome: 'refused', pipeline: 'inbound', ...ids, reason: error.message };
      if (error instanceof CliError) throw error;
      return { index, outcome: 'failed', ...ids, reason: `${(error as Error).name}: ${(error as Error).message}` };
    }
  }
}

export async function replayFile(
  io: CliIo,
  target: Target,
  file: string,
  opts: { skipSignatureCheck?: boolean; json?: boolean },
): Promise<void> {
  const results = await replayBodies(io, target, readReplayFile(file, io.cwd), Boolean(opts.skipSignatureCheck));
  if (opts.json) {
    for (const r of results) printJsonLine(io, r);
  } else {
    printTable(io, results, [
      { header: '#', value: (r) => String(r.index) },
      { header: 'outcome', value: (r) => r.outcome },
      { header: 'pipeline', value: (r) => r.pipeline },
      { header: 'detail', value: (r) => oneLine(detail(r), 100) },
    ]);
  }
  const count = (o: ReplayOutcome) => results.filter((r) => r.outcome === o).length;
  io.err(
    `${results.length} bodies: ${(['stored', 'duplicate', 'ignored', 'skipped', 'refused', 'failed'] as const).map((o) => `${count(o)} ${o}`).join(', ')}\n`,
  );
  if (count('failed')) throw new CliError(`${count('failed')} bodies failed`, EXIT.failure);
  if (count('refused')) throw new CliError(`${count('refused')} bodies were refused`, EXIT.usage);
}

function detail(r: ReplayResult): string | undefined {
  if (r.reason) return r.reason;
  if (r.inboundId) return `inbound ${r.inboundId}`;
  if (r.stored !== undefined) return `${r.stored} event(s) stored, ${r.duplicates ?? 0} already present`;
  return undefined;
}

/** Registers `replay` on the program. */
export function registerReplayCommand(program: Command, ctx: CommandContext): void {
  const { io, withTarget } = ctx;
  program
    .command('replay')
    .description('feed saved SNS HTTP bodies (a JSON array) through the tracking or inbound pipeline')
    .argument('<file>', 'JSON array of SNS message bodies')
    .option('--skip-signature-check', 'the operator vouches for the bodies: no signature, topic-allowlist or age check')
    .option('--json', 'one JSON line per body')
    .action(
      withTarget(async (target, file: string, opts: { skipSignatureCheck?: boolean; json?: boolean }) =>
        replayFile(io, target, file, opts),
      ),
    );
}
