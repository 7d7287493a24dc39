/**
 * The inbound pipeline's public surface, for the Lambda handler, the tracking HTTPS endpoint
 * (receipt notifications arriving over HTTPS), the local pipeline and the CLI.
 */
export { ingestReceiptNotification } from './ingest.js';
export { isReceiptNotification, parseReceiptNotification, receiptNotificationSchema, INBOUND_ID_PATTERN, type ReceiptNotification } from './notification.js';
export { simulatedS3Receipt, type SimulatedReceipt } from './simulate.js';
export { readInboundBodies, type InboundBodies } from './bodies.js';
export { receivedEventOf, snsEventPublisher } from './publish.js';
export { kmsDataKeyDecrypter } from './decrypt.js';
export { attachmentKey, ATTACHMENTS_PREFIX, QUARANTINE_PREFIX } from './attachments.js';
export * from './errors.js';
export type * from './types.js';
export { InboundStore, type InboundSummary } from '../store/inbound.js';
