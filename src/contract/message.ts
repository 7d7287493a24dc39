/**
 * Message contract v1 (docs/contract.md §1): what producers put on the SQS queues.
 *
 * The schemas validate and normalize in one pass: mailboxes are parsed (display names kept,
 * IDN domains in ASCII form), phone numbers checked against E.164 mobile ranges, and anything
 * that could inject a header (CR/LF in subject, header names or values, display names) is
 * refused. Each channel lives in its own module (./email.ts, ./sms.ts) so a send Lambda
 * bundles only its own; this module joins them for producers and the CLI.
 * `npm run schema` writes the JSON Schema of the input side to `schema/message-v1.schema.json`.
 */
import * as z from 'zod';
import { type EmailMessage, emailMessageSchema } from './email.js';
import { type SmsMessage, smsMessageSchema } from './sms.js';

export {
  type Attachment,
  attachmentSchema,
  type EmailMessage,
  type EmailMessageInput,
  emailMessageSchema,
  templateSchema,
} from './email.js';
export { MESSAGE_ID_PATTERN } from './fields.js';
export { type SmsMessage, type SmsMessageInput, smsMessageSchema } from './sms.js';

export const messageSchema = z.discriminatedUnion('channel', [emailMessageSchema, smsMessageSchema]);

export type Message = EmailMessage | SmsMessage;
export type Channel = Message['channel'];
/** What producers write (before normalization). */
export type MessageInput = z.input<typeof messageSchema>;
