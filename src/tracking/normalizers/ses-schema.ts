/**
 * zod shapes of the SES payloads we read, for both formats:
 *   event publishing (`eventType`):  https://docs.aws.amazon.com/ses/latest/dg/event-publishing-retrieving-sns-contents.html
 *   notifications (`notificationType`): https://docs.aws.amazon.com/ses/latest/dg/notification-contents.html
 *
 * Lenient where AWS is: SES "reserves the right to add additional fields" and leaves many out
 * (no DSN → no action/status/diagnosticCode; no feedback report → no complaintFeedbackType;
 * headers only when configured, truncated past 10 KB). Every field is optional and a field of
 * the wrong type degrades to absent (`.catch`) instead of failing the whole event; recipients
 * that are not objects with an address are skipped, not fatal.
 */
import { z } from 'zod';

const str = z.string().optional().catch(undefined);
const bool = z.boolean().optional().catch(undefined);
/** A list of strings, dropping anything that is not one. */
const strings = z
  .array(z.unknown())
  .optional()
  .catch(undefined)
  .transform((a) => (a ? a.filter((v): v is string => typeof v === 'string') : []));
/** A list of objects matching `item`, dropping entries that do not. */
const listOf = <T extends z.ZodType>(item: T) =>
  z
    .array(item.nullable().catch(null))
    .optional()
    .catch(undefined)
    .transform((a) => (a ?? []).filter((v): v is NonNullable<z.output<T>> => v !== null));

const header = z.object({ name: z.string(), value: z.string() });

export const sesMailSchema = z.object({
  timestamp: str,
  messageId: str,
  source: str,
  destination: strings,
  headersTruncated: bool,
  headers: listOf(header),
  /** `{ name: [values] }`; `ses:` names are SES's own (configuration set, source IP…). */
  tags: z.record(z.string(), strings).optional().catch(undefined),
});

const addressed = z.object({ emailAddress: z.string() });

export const sesBounceSchema = z.object({
  bounceType: str,
  bounceSubType: str,
  bouncedRecipients: listOf(addressed.extend({ action: str, status: str, diagnosticCode: str })),
  timestamp: str,
  feedbackId: str,
  reportingMTA: str,
});

export const sesComplaintSchema = z.object({
  complainedRecipients: listOf(addressed),
  timestamp: str,
  feedbackId: str,
  complaintSubType: z.string().nullable().optional().catch(undefined),
  userAgent: str,
  complaintFeedbackType: str,
  arrivalDate: str,
});

export const sesDeliverySchema = z.object({
  timestamp: str,
  recipients: strings,
  smtpResponse: str,
  reportingMTA: str,
});

export const sesRejectSchema = z.object({ reason: str });
export const sesOpenSchema = z.object({ timestamp: str, userAgent: str, ipAddress: str });
export const sesClickSchema = z.object({ timestamp: str, userAgent: str, ipAddress: str, link: str });
export const sesFailureSchema = z.object({ errorMessage: str, templateName: str });

export const sesDeliveryDelaySchema = z.object({
  timestamp: str,
  delayType: str,
  expirationTime: str,
  reportingMTA: str,
  delayedRecipients: listOf(addressed.extend({ status: str, diagnosticCode: str })),
});

const topicPreferences = z.object({
  unsubscribeAll: bool,
  topicSubscriptionStatus: listOf(z.object({ topicName: z.string(), subscriptionStatus: z.string() })),
});

export const sesSubscriptionSchema = z.object({
  contactList: str,
  timestamp: str,
  source: str,
  newTopicPreferences: topicPreferences.optional().catch(undefined),
  oldTopicPreferences: topicPreferences.optional().catch(undefined),
});

const part = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);

/** Top level of either format. Only an input that is not an object at all fails to parse. */
export const sesEventSchema = z.object({
  eventType: str,
  notificationType: str,
  mail: part(sesMailSchema),
  bounce: part(sesBounceSchema),
  complaint: part(sesComplaintSchema),
  delivery: part(sesDeliverySchema),
  send: part(z.object({})),
  reject: part(sesRejectSchema),
  open: part(sesOpenSchema),
  click: part(sesClickSchema),
  failure: part(sesFailureSchema),
  deliveryDelay: part(sesDeliveryDelaySchema),
  subscription: part(sesSubscriptionSchema),
});

export type SesEvent = z.output<typeof sesEventSchema>;
export type SesMail = z.output<typeof sesMailSchema>;
