/**
 * Where Mailroom's own data rides on a Mailgun message, shared by the adapter (./send.ts) and
 * the webhook normalizer, so both read one name.
 *
 * Custom variables are sent as `v:<name>` form fields; Mailgun returns them on every event as
 * `user-variables` and never shows them to the recipient
 * (https://documentation.mailgun.com/docs/mailgun/user-manual/sending-messages/attaching-data,
 * https://documentation.mailgun.com/docs/mailgun/user-manual/events/event-types).
 */

/** `v:mailroom_id`: our message id; events carry it as `user-variables.mailroom_id`. */
export const MESSAGE_ID_VARIABLE = 'mailroom_id';

/**
 * Each metadata entry is its own variable, `v:<key>`, its value as a string (numbers and
 * booleans with String()). A metadata key equal to MESSAGE_ID_VARIABLE cannot be sent (it would
 * overwrite our id); the adapter reports it as an unsupported feature.
 */
export const VARIABLE_FIELD_PREFIX = 'v:';

/**
 * Mailgun answers a send with `id: "<20260101.1.ABC@mg.example.com>"`, and its events name the
 * message as `message.headers.message-id` without the angle brackets. Mailroom keeps the bare
 * form as providerMessageId, so both sides compare equal.
 */
export function bareMailgunMessageId(id: string): string {
  return id.trim().replace(/^<(.*)>$/, '$1');
}
