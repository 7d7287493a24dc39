/**
 * Where Mailroom's own data travels in a Resend message, shared by the adapter and the webhook
 * normalizer. Our message id is a tag `{name: "mailroom-message-id", value}`; Resend tag values
 * allow only ASCII letters, digits, `_` and `-`, so the value is encoded as SES tags are
 * (src/providers/email/ses-tags.ts encodeTagValue / decodeTagValue). Other tags are metadata.
 * https://resend.com/docs/api-reference/emails/send-email (tags)
 */
export const MESSAGE_ID_FIELD = 'mailroom-message-id';
export { decodeTagValue as decodeMessageId, encodeTagValue as encodeMessageId } from '../../email/ses-tags.js';
