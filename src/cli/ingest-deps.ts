/**
 * The tracking and inbound domain dependencies for a target, built the way the handlers build
 * theirs, so `replay` and `inbound receive` write through exactly the code the Lambdas run.
 */
import type { IngestDeps as InboundIngestDeps, InboundLogger } from '../inbound/types.js';
import { InboundStore } from '../store/inbound.js';
import type { IngestDeps as TrackingIngestDeps } from '../tracking/deps.js';
import { createIngestDeps } from '../tracking/wiring.js';
import { CliError, EXIT } from './errors.js';
import type { Target } from './target.js';

/** Default size limit of the inbound Lambda (MAILROOM_INBOUND_MAX_BYTES). */
export const INBOUND_MAX_BYTES = 40 * 1024 * 1024;

/** Suppression follows the tracking Lambda's default (every reason); a stack configured otherwise is not known here. */
export function trackingDeps(target: Target): TrackingIngestDeps {
  const { doc, s3 } = target.clients;
  return createIngestDeps({
    doc,
    tables: target.tables,
    ...(target.buckets.payload ? { payload: { s3, bucket: target.buckets.payload } } : {}),
  });
}

export function inboundDeps(target: Target, logger: InboundLogger): InboundIngestDeps {
  const bucket = target.buckets.inbound;
  if (!bucket) throw new CliError(`${target.label} has no inbound bucket`, EXIT.failure);
  return {
    s3: target.clients.s3,
    store: new InboundStore(target.clients.doc, target.tables.inbound),
    bucket,
    ...(target.buckets.payload ? { bodiesBucket: target.buckets.payload } : {}),
    maxBytes: INBOUND_MAX_BYTES,
    clock: () => new Date(),
    logger,
  };
}

/** A logger for domain code run by the CLI: warnings and errors go to stderr, info is dropped. */
export function stderrLogger(write: (text: string) => void): InboundLogger & { info: (m: string, ...x: object[]) => void } {
  const line =
    (level: string) =>
    (message: string, ...extra: object[]) =>
      write(`${level}: ${message}${extra.length ? ` ${JSON.stringify(Object.assign({}, ...extra))}` : ''}\n`);
  return { info: () => undefined, warn: line('warning'), error: line('error') };
}
