/**
 * `mailroom/client`: the typed producer client, and what its callers handle (the message
 * types and the validation error with its field reasons).
 */
export { MailroomClient, type BatchEntryError, type BatchEntryResult, type FromStackOptions, type MailroomClientOptions } from './client.js';
export { DEFAULT_MAX_BATCH_BYTES, MAX_BATCH_BYTES, MAX_BATCH_ENTRIES } from './batch.js';
export { readStackOutputs, StackOutputsError } from './stack-outputs.js';
export { InvalidMessageError, type FieldReason } from '../contract/validator.js';
export type { Channel, EmailMessageInput, MessageInput, SmsMessageInput } from '../contract/message.js';
