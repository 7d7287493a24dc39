/**
 * One SES receipt notification → one inbound record (docs/contract.md §4), attachments in S3, one
 * "inbound received" event. The whole flow, with SDK clients and configuration passed in.
 *
 *   1. validate the notification (InvalidReceiptNotificationError: nothing to record)
 *   2. record already stored? → `duplicate`: no fetch, no parse, no upload (only a missing
 *      event publish is finished)
 *   3. open the raw MIME (S3 GetObject stream, or the SNS content), size-checked first
 *   4. parse it, streaming attachments to S3 (quarantine prefix when the virus verdict FAILs)
 *   5. move bodies to S3 if the item would be too large; store record + index items in one
 *      conditional transaction
 *   6. publish the event, then mark `publishedAt`
 *
 * A mail that cannot be parsed as asked (too large, raw object gone, undecryptable, MIME the
 * parser rejects, too many attachments) is still recorded, with `error` saying why. Transient
 * AWS failures (InboundStorageError) propagate so the invocation is retried; every step above
 * is idempotent, so the retry completes the work without duplicating it.
 */

import type { StoredInboundRecord } from '../store/types.js';
import { s3AttachmentSink } from './attachments.js';
import { fitRecordInItem } from './bodies.js';
import { InboundRefusedError } from './errors.js';
import type { ReceiptNotification } from './notification.js';
import { parseReceiptNotification } from './notification.js';
import { parseMime } from './parse.js';
import { receivedEventOf } from './publish.js';
import { openRawMail, rawLocationOf } from './source.js';
import type { IngestDeps, IngestResult, ParsedMail } from './types.js';
import { summarizeVerdicts } from './verdicts.js';

const EMPTY: ParsedMail = { to: [], cc: [], replyTo: [], attachments: [] };

export async function ingestReceiptNotification(input: unknown, deps: IngestDeps): Promise<IngestResult> {
  const notification = parseReceiptNotification(input);
  const id = notification.mail.messageId;
  const existing = await deps.store.get(id);
  if (existing) {
    deps.logger.info('inbound mail already stored; nothing to do', { id });
    return { status: 'duplicate', record: await publishOnce(existing, deps) };
  }

  const verdicts = summarizeVerdicts(notification.receipt);
  let parsed = EMPTY;
  let error: InboundRefusedError | undefined;
  try {
    const raw = await openRawMail(notification, deps);
    const sink = s3AttachmentSink({ s3: deps.s3, bucket: deps.bucket, messageId: id, quarantine: verdicts.quarantine });
    parsed = await parseMime(raw.body, sink);
  } catch (e) {
    if (!(e instanceof InboundRefusedError)) throw e; // InboundStorageError & bugs: let the invocation retry
    error = e;
    deps.logger.warn('inbound mail kept without parsing', { id, code: e.code, reason: e.message });
  }

  const record = await fitRecordInItem(buildRecord(notification, verdicts, parsed, error, deps), parsed, {
    s3: deps.s3,
    bucket: deps.bodiesBucket ?? deps.bucket,
  });
  const outcome = await deps.store.put(record);
  if (outcome === 'duplicate') {
    // A concurrent invocation for the same mail won the race; its record stands.
    const winner = await deps.store.get(id);
    return { status: 'duplicate', record: winner ? await publishOnce(winner, deps) : record };
  }
  deps.logger.info('inbound mail stored', {
    id,
    attachments: record.attachments.length,
    quarantined: verdicts.quarantine,
    ...(record.error ? { error: record.error.code } : {}),
  });
  return { status: 'stored', record: await publishOnce(record, deps) };
}

function buildRecord(
  notification: ReceiptNotification,
  verdicts: ReturnType<typeof summarizeVerdicts>,
  parsed: ParsedMail,
  error: InboundRefusedError | undefined,
  deps: IngestDeps,
): StoredInboundRecord {
  const { mail, receipt } = notification;
  return {
    id: mail.messageId,
    // When SES received the mail (stable across replays), not when we got round to it.
    receivedAt: new Date(receipt.timestamp).toISOString(),
    ingestedAt: deps.clock().toISOString(),
    // Envelope MAIL FROM; empty for bounces (null reverse-path "<>").
    ...(mail.source ? { envelopeSender: mail.source } : {}),
    envelopeRecipients: [...receipt.recipients],
    ...parsed,
    verdicts: verdicts.verdicts,
    ...(verdicts.spamDetected !== undefined ? { spamDetected: verdicts.spamDetected } : {}),
    raw: rawLocationOf(notification, deps.bucket),
    ...(error ? { error: error.toMessageError() } : {}),
  };
}

/** Publishes the event unless the record says it already went out; returns the record as it now stands. */
async function publishOnce(record: StoredInboundRecord, deps: IngestDeps): Promise<StoredInboundRecord> {
  if (!deps.publish || record.publishedAt) return record;
  await deps.publish(receivedEventOf(record, deps.store.table));
  const publishedAt = deps.clock().toISOString();
  await deps.store.markPublished(record.id, publishedAt);
  return { ...record, publishedAt };
}
