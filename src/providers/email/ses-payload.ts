/**
 * Builds SES v2 requests from a message (pure apart from MIME composition):
 * - `mergeData`     → SendBulkEmail, one entry per `to`, ≤ 50 entries per call;
 * - a template, or merge data for the message's own body → SendEmail Content.Template;
 * - otherwise SendEmail Content.Simple, or Content.Raw when Simple cannot carry the message
 *   (see ./ses-content.ts for the rules).
 */
import type {
  BulkEmailEntry,
  Destination,
  MessageHeader,
  MessageTag,
  SendBulkEmailCommandInput,
  SendEmailCommandInput,
  Attachment as SesAttachment,
  Template,
} from '@aws-sdk/client-sesv2';
import { type Mailbox, parseMailbox } from '../../contract/address.js';
import type { EmailMessage } from '../../contract/message.js';
import type { SendContext } from '../types.js';
import type { ResolvedAttachment } from './attachments.js';
import { composeRawMessage } from './mime.js';
import { encodeHeaderValue, rawReason, sesAddress, usesTemplate } from './ses-content.js';
import type { SesProviderOptions } from './ses-options.js';
import { encodeTagValue, isValidTag } from './ses-tags.js';

/** SendBulkEmail takes at most 50 BulkEmailEntries per call. */
export const BULK_MAX_ENTRIES = 50;
/** We send at most this many message tags (our id tag first, then providerOptions.emailTags, then contract tags). */
export const MAX_EMAIL_TAGS = 50;
const UTF8 = 'UTF-8';

export interface SesSingleRequest {
  readonly kind: 'single';
  readonly content: 'simple' | 'raw' | 'template';
  readonly input: SendEmailCommandInput;
  /** Lower-cased to, cc and bcc addresses. */
  readonly recipients: readonly string[];
}

export interface SesBulkRequest {
  readonly kind: 'bulk';
  readonly input: SendBulkEmailCommandInput;
  /** Lower-cased `to` address of each entry, in entry order (BulkEmailEntryResults follow it). */
  readonly to: readonly string[];
  /** Lower-cased cc/bcc addresses: every entry carries a copy to them (as Anymail does). */
  readonly copies: readonly string[];
}

export type SesRequest = SesSingleRequest | SesBulkRequest;

export interface SesPayloadConfig {
  readonly configurationSet?: string;
  readonly messageIdTag: string;
  readonly providerOptions: SesProviderOptions;
}

const lower = (m: Mailbox) => m.address.toLowerCase();
const unique = (values: string[]) => [...new Set(values)];

/** Our id tag, providerOptions.emailTags, then every contract tag SES accepts as a tag name. */
export function emailTags(ctx: SendContext, message: EmailMessage, config: SesPayloadConfig): MessageTag[] {
  const tags = new Map<string, string>([[config.messageIdTag, encodeTagValue(ctx.messageId)]]);
  for (const [name, value] of Object.entries(config.providerOptions.emailTags ?? {})) if (!tags.has(name)) tags.set(name, value);
  // Contract tags become SES tags `<tag>=true` where the tag is a valid SES tag name, so they
  // can serve as CloudWatch dimensions. Others stay on our record only, never in a header.
  for (const tag of ctx.tags ?? message.tags ?? []) if (isValidTag(tag) && !tags.has(tag)) tags.set(tag, 'true');
  return [...tags].slice(0, MAX_EMAIL_TAGS).map(([Name, Value]) => ({ Name, Value }));
}

function destination(
  to: readonly Mailbox[] | undefined,
  cc: readonly Mailbox[] | undefined,
  bcc: readonly Mailbox[] | undefined,
): Destination {
  return {
    ...(to?.length ? { ToAddresses: to.map(sesAddress) } : {}),
    ...(cc?.length ? { CcAddresses: cc.map(sesAddress) } : {}),
    ...(bcc?.length ? { BccAddresses: bcc.map(sesAddress) } : {}),
  };
}

function messageHeaders(message: EmailMessage): MessageHeader[] | undefined {
  const entries = Object.entries(message.headers ?? {});
  return entries.length ? entries.map(([Name, value]) => ({ Name, Value: encodeHeaderValue(value) })) : undefined;
}

function sesAttachments(attachments: readonly ResolvedAttachment[]): SesAttachment[] | undefined {
  if (attachments.length === 0) return undefined;
  return attachments.map((a) => ({
    FileName: a.filename,
    RawContent: a.content,
    ContentType: a.contentType,
    ContentDisposition: a.inline ? 'INLINE' : 'ATTACHMENT',
    ContentTransferEncoding: 'BASE64',
    ...(a.contentId !== undefined ? { ContentId: a.contentId } : {}),
  }));
}

/** Parameters shared by SendEmail and SendBulkEmail. */
function commonParams(message: EmailMessage, config: SesPayloadConfig) {
  const po = config.providerOptions;
  const configurationSet = po.configurationSetName ?? config.configurationSet;
  const envelope = message.envelopeSender !== undefined ? parseMailbox(message.envelopeSender) : undefined;
  return {
    FromEmailAddress: sesAddress(message.from),
    ...(message.replyTo?.length ? { ReplyToAddresses: message.replyTo.map(sesAddress) } : {}),
    // SES always uses its own MAIL FROM (amazonses.com, or the identity's custom MAIL FROM
    // domain), so a per-message Return-Path is impossible. As Anymail does, envelopeSender
    // becomes the address SES forwards bounce and complaint feedback to.
    ...(envelope?.ok ? { FeedbackForwardingEmailAddress: envelope.value.address } : {}),
    ...(configurationSet !== undefined ? { ConfigurationSetName: configurationSet } : {}),
    ...(po.fromEmailAddressIdentityArn ? { FromEmailAddressIdentityArn: po.fromEmailAddressIdentityArn } : {}),
    ...(po.feedbackForwardingEmailAddressIdentityArn
      ? { FeedbackForwardingEmailAddressIdentityArn: po.feedbackForwardingEmailAddressIdentityArn }
      : {}),
    ...(po.tenantName ? { TenantName: po.tenantName } : {}),
    ...(po.endpointId ? { EndpointId: po.endpointId } : {}),
  };
}

/** The SES Template object: stored by name, inline from `template`, or the message's own body as an inline template. */
function template(message: EmailMessage, attachments: readonly ResolvedAttachment[]): Template {
  const t = message.template;
  const data = { ...(message.mergeGlobalData ?? {}), ...(t?.data ?? {}) };
  const source: Template =
    t && 'name' in t
      ? { TemplateName: t.name }
      : {
          TemplateContent: t
            ? { Subject: t.subject, ...(t.text !== undefined ? { Text: t.text } : {}), ...(t.html !== undefined ? { Html: t.html } : {}) }
            : {
                Subject: message.subject,
                ...(message.text !== undefined ? { Text: message.text } : {}),
                ...(message.html !== undefined ? { Html: message.html } : {}),
              },
        };
  const headers = messageHeaders(message);
  const sesAtt = sesAttachments(attachments);
  return {
    ...source,
    TemplateData: JSON.stringify(data),
    ...(headers ? { Headers: headers } : {}),
    ...(sesAtt ? { Attachments: sesAtt } : {}),
  };
}

function mergeDataByAddress(message: EmailMessage): Map<string, Record<string, unknown>> {
  const map = new Map<string, Record<string, unknown>>();
  for (const [key, data] of Object.entries(message.mergeData ?? {})) {
    const parsed = parseMailbox(key);
    map.set(parsed.ok ? parsed.value.address.toLowerCase() : key.toLowerCase(), data);
  }
  return map;
}

function bulkRequests(
  message: EmailMessage,
  attachments: readonly ResolvedAttachment[],
  ctx: SendContext,
  config: SesPayloadConfig,
): SesBulkRequest[] {
  const settled = new Set((ctx.settledRecipients ?? []).map((r) => r.toLowerCase()));
  const merge = mergeDataByAddress(message);
  const pending = (message.to ?? []).filter((m) => !settled.has(lower(m)));
  const copies = unique([...(message.cc ?? []), ...(message.bcc ?? [])].map(lower));
  const base = {
    ...commonParams(message, config),
    DefaultEmailTags: emailTags(ctx, message, config),
    DefaultContent: { Template: template(message, attachments) },
  };
  const requests: SesBulkRequest[] = [];
  for (let start = 0; start < pending.length; start += BULK_MAX_ENTRIES) {
    const chunk = pending.slice(start, start + BULK_MAX_ENTRIES);
    const entries: BulkEmailEntry[] = chunk.map((to) => ({
      Destination: destination([to], message.cc, message.bcc),
      ReplacementEmailContent: { ReplacementTemplate: { ReplacementTemplateData: JSON.stringify(merge.get(lower(to)) ?? {}) } },
    }));
    requests.push({ kind: 'bulk', input: { ...base, BulkEmailEntries: entries }, to: chunk.map(lower), copies });
  }
  return requests;
}

export async function buildSesRequests(
  message: EmailMessage,
  attachments: readonly ResolvedAttachment[],
  ctx: SendContext,
  config: SesPayloadConfig,
): Promise<SesRequest[]> {
  if (message.mergeData) return bulkRequests(message, attachments, ctx, config);
  const base = {
    ...commonParams(message, config),
    Destination: destination(message.to, message.cc, message.bcc),
    EmailTags: emailTags(ctx, message, config),
    ...(config.providerOptions.listManagementOptions
      ? {
          ListManagementOptions: {
            ContactListName: config.providerOptions.listManagementOptions.contactListName,
            TopicName: config.providerOptions.listManagementOptions.topicName,
          },
        }
      : {}),
  };
  const recipients = unique([...(message.to ?? []), ...(message.cc ?? []), ...(message.bcc ?? [])].map(lower));
  if (usesTemplate(message)) {
    return [{ kind: 'single', content: 'template', input: { ...base, Content: { Template: template(message, attachments) } }, recipients }];
  }
  if (rawReason(message) !== undefined) {
    const data = await composeRawMessage(message, attachments, message.headers ?? {});
    return [{ kind: 'single', content: 'raw', input: { ...base, Content: { Raw: { Data: data } } }, recipients }];
  }
  const headers = messageHeaders(message);
  const sesAtt = sesAttachments(attachments);
  return [
    {
      kind: 'single',
      content: 'simple',
      input: {
        ...base,
        Content: {
          Simple: {
            Subject: { Data: message.subject ?? '', Charset: UTF8 },
            Body: {
              ...(message.text !== undefined ? { Text: { Data: message.text, Charset: UTF8 } } : {}),
              ...(message.html !== undefined ? { Html: { Data: message.html, Charset: UTF8 } } : {}),
            },
            ...(headers ? { Headers: headers } : {}),
            ...(sesAtt ? { Attachments: sesAtt } : {}),
          },
        },
      },
      recipients,
    },
  ];
}
