/**
 * Where Mailroom's own data rides on a SendGrid message, shared by the adapter (./send.ts) and
 * the webhook normalizer.
 *
 * `custom_args` are echoed on every event webhook as top-level keys of the event object and are
 * not shown to the recipient
 * (https://www.twilio.com/docs/sendgrid/for-developers/sending-email/custom-arguments,
 * https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/event#custom-arguments).
 */

/** `custom_args.mailroom_id`: our message id; events carry it as `event.mailroom_id`. */
export const MESSAGE_ID_ARG = 'mailroom_id';

/**
 * Event keys SendGrid itself sets: a custom arg of the same name would be shadowed or shadow
 * them in events, so metadata keys among these are refused by the adapter.
 */
export const RESERVED_EVENT_KEYS: ReadonlySet<string> = new Set([
  'email',
  'timestamp',
  'event',
  'sg_event_id',
  'sg_message_id',
  'smtp-id',
  'category',
  'type',
  'reason',
  'status',
  'response',
  'attempt',
  'url',
  'useragent',
  'ip',
  'tls',
  'cert_err',
  'asm_group_id',
  'bounce_classification',
  'marketing_campaign_id',
  'marketing_campaign_name',
  'pool',
  'send_at',
  'unique_args',
]);

/**
 * The send answers `X-Message-Id: abc123`; events carry `sg_message_id: "abc123.filter0001.…"`
 * (the same id plus a per-recipient suffix). providerMessageId is the header value; this turns
 * an event's sg_message_id back into it.
 */
export function sendgridMessageIdOf(sgMessageId: string): string {
  const dot = sgMessageId.indexOf('.');
  return dot === -1 ? sgMessageId : sgMessageId.slice(0, dot);
}
