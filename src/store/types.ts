/**
 * Records as the stores keep them: the contract records (src/contract/records.ts) plus the
 * bookkeeping fields the stores add, and the client they are built on. Shared by the stores and
 * the pipelines that fill them, so it depends on nothing above src/contract.
 */

import type { InboundRecord } from '../contract/records.js';
import type { DynamoDBDocumentClient } from './document.js';

/** The record as stored: the contract fields plus bookkeeping of the ingestion itself. */
export type StoredInboundRecord = InboundRecord & {
  /** When Mailroom stored the record (receivedAt is when SES received the mail). */
  readonly ingestedAt: string;
  /** Set once the "inbound received" event went out; absent = not published yet. */
  readonly publishedAt?: string;
};

/**
 * The client every store is built on. Wiring code (handlers' deps, the local pipeline, the CLI)
 * constructs it and passes it through; domain code names only this type.
 */
export type StoreClient = DynamoDBDocumentClient;
