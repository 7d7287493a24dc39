/**
 * Where Mailroom's own data travels in a Mailgun message, shared by the adapter (which sets it)
 * and the webhook normalizer (which reads it back). Our message id is a custom variable
 * (`v:mailroom-message-id`): Mailgun returns it in every event's `user-variables` and never
 * shows it to the recipient. Other `v:` variables are the message's metadata; `o:tag`s its tags.
 * https://documentation.mailgun.com/docs/mailgun/user-manual/sending-messages/send-http
 */
export const MESSAGE_ID_FIELD = 'mailroom-message-id';
/** The form field prefix of a custom variable. */
export const VARIABLE_PREFIX = 'v:';
