/**
 * Builds the ingest dependencies from clients and table names, the same way for the Lambda
 * handlers (clients built once at module scope), the local pipeline and integration tests
 * (clients pointed at the local servers). Constructs no SDK clients itself.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SUPPRESSION_REASONS, type SuppressionReason } from '../config/runtime.js';
import { EventStore } from '../store/events.js';
import { MessageProgress } from '../store/message-progress.js';
import { MessageStore } from '../store/messages.js';
import { SuppressionStore } from '../store/suppressions.js';
import type { TableNames } from '../store/tables.js';
import type { IngestDeps } from './deps.js';

export interface IngestWiring {
  readonly doc: DynamoDBDocumentClient;
  readonly tables: Pick<TableNames, 'messages' | 'events' | 'suppressions'>;
  /** Where raw payloads too large for an event item go (MAILROOM_PAYLOAD_BUCKET). */
  readonly payload?: { readonly s3: S3Client; readonly bucket: string };
  /** Default: every reason (hardBounce, complaint, unsubscribe). */
  readonly suppressOn?: readonly SuppressionReason[];
  readonly now?: () => Date;
  /** Days events are kept (DynamoDB TTL); undefined keeps them forever. */
  readonly eventsRetentionDays?: number;
}

export function createIngestDeps(w: IngestWiring): IngestDeps {
  return {
    events: new EventStore(w.doc, w.tables.events, w.payload, w.eventsRetentionDays),
    messages: new MessageStore(w.doc, w.tables.messages),
    progress: new MessageProgress(w.doc, w.tables.messages),
    suppressions: new SuppressionStore(w.doc, w.tables.suppressions),
    suppressOn: w.suppressOn ?? SUPPRESSION_REASONS,
    ...(w.now ? { now: w.now } : {}),
  };
}
