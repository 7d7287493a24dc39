/**
 * What every provider normalizer is: a pure function from one raw provider event (already
 * JSON-parsed, or the raw string when it could not be) to normalized events, one per
 * recipient. No I/O, no clock: `receivedAt` comes in through the context, so the same input
 * always gives the same events (and the same deterministic `eventId`s).
 */
import type { NormalizedEvent } from '../../contract/records.js';

export interface NormalizeContext {
  /** When Mailroom received the notification, ISO-8601 UTC. */
  readonly receivedAt: string;
  /** The provider the payload comes from (`ses`, `sns`), as registered in ./index.ts. */
  readonly provider: string;
}

export type Normalizer = (raw: unknown, ctx: NormalizeContext) => NormalizedEvent[];
