/**
 * The inbound pipeline's public surface, for the Lambda handler, the tracking HTTPS endpoint
 * (receipt notifications arriving over HTTPS), the local pipeline and the CLI.
 */

export { InboundStore, type InboundSummary } from '../store/inbound.js';
export { ATTACHMENTS_PREFIX, attachmentKey, QUARANTINE_PREFIX } from './attachments.js';
export { type InboundBodies, readInboundBodies } from './bodies.js';
export { kmsDataKeyDecrypter } from './decrypt.js';
export * from './errors.js';
export { ingestReceiptNotification } from './ingest.js';
export {
  INBOUND_ID_PATTERN,
  isReceiptNotification,
  parseReceiptNotification,
  type ReceiptNotification,
  receiptNotificationSchema,
} from './notification.js';
export { receivedEventOf, snsEventPublisher } from './publish.js';
export { type SimulatedReceipt, simulatedS3Receipt } from './simulate.js';
export type * from './types.js';
