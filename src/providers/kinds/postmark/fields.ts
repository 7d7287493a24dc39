/**
 * Where Mailroom's own data travels in a Postmark message, shared by the adapter and the webhook
 * normalizer. Our message id is a `Metadata` entry (Postmark: keys up to 20 characters, values up
 * to 80), echoed in every webhook's `Metadata`; other entries are the metadata. `Tag` holds one tag.
 * https://postmarkapp.com/support/article/1125-custom-metadata-faq
 */
export const MESSAGE_ID_FIELD = 'mailroom-message-id';
