/**
 * Where Mailroom's own data rides on a Postmark message, shared by the adapter (./send.ts) and
 * the webhook normalizer.
 *
 * `Metadata` is a flat object of string values, returned in every webhook as `Metadata` and not
 * included in the email (https://postmarkapp.com/support/article/1125-custom-metadata-faq,
 * https://postmarkapp.com/developer/api/email-api).
 */

/** `Metadata.mailroom_id`: our message id. The other metadata entries sit beside it, as strings. */
export const MESSAGE_ID_METADATA = 'mailroom_id';

/** Postmark allows one `Tag` per message; the adapter sends the first contract tag there. */
export const MAX_TAGS = 1;
