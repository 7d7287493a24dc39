/**
 * `mailroom/client`: the typed producer client, and what its callers handle (the message
 * types and the validation error with its field reasons).
 */

export type { Channel, EmailMessageInput, MessageInput, SmsMessageInput } from '../contract/message.js';
export { type FieldReason, InvalidMessageError } from '../contract/validator.js';
export { DEFAULT_MAX_BATCH_BYTES, MAX_BATCH_BYTES, MAX_BATCH_ENTRIES } from './batch.js';
export {
  type BatchEntryError,
  type BatchEntryResult,
  type FromStackOptions,
  MailroomClient,
  type MailroomClientOptions,
} from './client.js';
export { readStackOutputs, StackOutputsError } from './stack-outputs.js';
