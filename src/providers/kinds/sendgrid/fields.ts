/**
 * Where Mailroom's own data travels in a SendGrid message, shared by the adapter and the webhook
 * normalizer. Our message id is a `custom_args` entry; SendGrid copies custom_args into every
 * Event Webhook event as top-level keys. Other custom_args are the metadata; `categories` the tags.
 * https://www.twilio.com/docs/sendgrid/for-developers/sending-email/custom-arguments
 */
export const MESSAGE_ID_FIELD = 'mailroom-message-id';
