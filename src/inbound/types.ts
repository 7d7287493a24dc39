/**
 * Types shared by the inbound modules: what the parser produces, where attachments go, what
 * ingestion needs and what it publishes.
 */
import type { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import type { InboundMailbox, InboundRecord } from '../contract/records.js';
import type { InboundStore } from '../store/inbound.js';
import type { StoredInboundRecord } from '../store/types.js';

export interface S3Location {
  readonly bucket: string;
  readonly key: string;
}

/**
 * The header and body fields of InboundRecord that come from the MIME itself (`date` is
 * ISO-8601 UTC, absent when the Date header is missing or unparseable).
 */
export type ParsedMail = Pick<
  InboundRecord,
  'from' | 'to' | 'cc' | 'replyTo' | 'subject' | 'date' | 'messageIdHeader' | 'text' | 'html' | 'attachments'
>;

/** What the parser knows about one attachment before its content has been read. */
export interface AttachmentMeta {
  /** 0-based position among the message's attachments (inline parts included), in MIME order. */
  readonly index: number;
  readonly filename?: string;
  readonly contentType: string;
  readonly disposition: 'attachment' | 'inline';
  readonly contentId?: string;
}

export interface StoredAttachment {
  readonly s3: S3Location;
  readonly size: number;
  readonly quarantined?: boolean;
}

/** Receives each attachment's decoded content as a stream; must read it to the end. */
export interface AttachmentSink {
  store(meta: AttachmentMeta, content: Readable): Promise<StoredAttachment>;
}

/** Unwraps an S3-encryption-client data key (backed by KMS Decrypt in the handler). */
export type DataKeyDecrypter = (input: {
  readonly encryptedKey: Uint8Array;
  readonly encryptionContext: Readonly<Record<string, string>>;
}) => Promise<Uint8Array>;

/** The structural subset of Powertools' Logger that domain code uses. */
export interface InboundLogger {
  info(message: string, ...attributes: Record<string, unknown>[]): void;
  warn(message: string, ...attributes: Record<string, unknown>[]): void;
  error(message: string, ...attributes: Record<string, unknown>[]): void;
}

/** Compact event applications subscribe to instead of polling the table. */
export interface InboundReceivedEvent {
  readonly type: 'inbound.received';
  readonly version: 1;
  readonly id: string;
  readonly receivedAt: string;
  readonly envelopeRecipients: readonly string[];
  readonly from?: InboundMailbox;
  /** Truncated to 256 characters; the record has the whole subject. */
  readonly subject?: string;
  readonly spamDetected?: boolean;
  readonly quarantined: boolean;
  readonly attachmentCount: number;
  /** Set when the record was kept without being parsed (e.g. `too_large`). */
  readonly errorCode?: string;
  readonly record: { readonly table: string; readonly id: string };
}

export interface IngestDeps {
  readonly s3: S3Client;
  readonly store: InboundStore;
  /** Bucket for attachments and (SNS action) raw mail; the bucket SES writes to. */
  readonly bucket: string;
  /** Bucket for bodies moved out of oversized items (`bodies/<id>.json`); default `bucket`. */
  readonly bodiesBucket?: string;
  /** Mail over this many bytes is recorded with `error.code = "too_large"`, not parsed. */
  readonly maxBytes: number;
  /** Publishes the "inbound received" event; absent = no event topic configured. */
  readonly publish?: (event: InboundReceivedEvent) => Promise<void>;
  /** Needed only for mail SES stored with the S3 action's KMS (client-side) encryption. */
  readonly decryptDataKey?: DataKeyDecrypter;
  readonly clock: () => Date;
  readonly logger: InboundLogger;
}

export type IngestStatus = 'stored' | 'duplicate';

export interface IngestResult {
  /** `duplicate`: a record for this SES message id already existed (replay, second notification). */
  readonly status: IngestStatus;
  readonly record: StoredInboundRecord;
}
