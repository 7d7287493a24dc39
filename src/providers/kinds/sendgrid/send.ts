/**
 * SendGrid email adapter: one POST /v3/mail/send per message (JSON, `Authorization: Bearer`)
 * through the shared HTTP client (https://www.twilio.com/docs/sendgrid/api-reference/mail-send/mail-send).
 *
 * - SendGrid answers 202 with an empty body and the message id in the `X-Message-Id` header;
 *   every recipient is then `queued` with it (Anymail's sendgrid backend does the same: the
 *   outcome per recipient is only known from events).
 * - mergeData is one call with a personalization per `to` (at most 50, SendGrid takes 1000),
 *   so the send is all-or-nothing and settledRecipients is never needed.
 * - sendAt becomes `send_at` within SendGrid's 72-hour window
 *   (https://www.twilio.com/docs/sendgrid/for-developers/sending-email/scheduling-parameters);
 *   further ahead is refused (the send pipeline holds messages until sendAt anyway).
 * - Stored templates are dynamic templates (`template_id`, `d-…`); SendGrid has no inline ones.
 * - envelopeSender: SendGrid sets the Return-Path from its own bounce domain; no parameter.
 */
import * as z from 'zod';
import type { EmailMessage } from '../../../contract/message.js';
import { BaseEmailProvider, type BaseProviderOptions, type CallOutcome, type RecipientOutcome } from '../../base.js';
import type { ErrorRules } from '../../classify.js';
import { type AttachmentFetcher, resolveAttachments } from '../../email/attachments.js';
import { reservedHeaderUses, s3AttachmentUses, withoutKey } from '../../email/feature-rules.js';
import type { FeatureUse } from '../../features.js';
import { jsonBody } from '../../http/body.js';
import { HttpClient, type HttpResponse } from '../../http/client.js';
import { providerOptionUses } from '../../provider-options.js';
import type { EmailCapabilities, SendContext } from '../../types.js';
import { SENDGRID_BASE_URLS } from './config.js';
import { sendgridErrorRules } from './errors.js';
import { MESSAGE_ID_ARG, RESERVED_EVENT_KEYS } from './fields.js';
import { buildSendgridRequest, type SendgridRequest } from './payload.js';

/** "You can have up to 10 categories per email" (https://www.twilio.com/docs/sendgrid/for-developers/sending-email/categories). */
export const SENDGRID_MAX_CATEGORIES = 10;
export const SENDGRID_MAX_SCHEDULE_MS = 72 * 60 * 60 * 1000;

/** Headers the Mail Send reference says may not be set through `headers`. */
const RESERVED_HEADER =
  /^(x-sg-id|x-sg-eid|received|dkim-signature|content-type|content-transfer-encoding|to|from|subject|reply-to|cc|bcc|x-smtpapi)$/i;

export interface SendgridProviderOptions extends BaseProviderOptions {
  readonly name?: string;
  readonly apiKey: string;
  readonly region?: 'global' | 'eu';
  /** Overrides the region's host (the local fake). */
  readonly baseUrl?: string;
  readonly http?: HttpClient;
  readonly fetchAttachment?: AttachmentFetcher;
}

const providerOptionShapes = {
  /** `batch_id`: lets a scheduled send be cancelled or paused through SendGrid's API. */
  batchId: z.string().min(1),
  /** `ip_pool_name`. */
  ipPoolName: z.string().min(2).max(64),
};

export class SendgridEmailProvider extends BaseEmailProvider<SendgridRequest, HttpResponse> {
  static readonly capabilities: EmailCapabilities = {
    attachments: true,
    inlineImages: true,
    customHeaders: true,
    envelopeSender: false,
    amp: true,
    storedTemplates: true,
    inlineTemplates: false,
    mergeData: true,
    tags: true,
    trackingOverrides: true,
    sendAt: true,
  };

  readonly name: string;
  readonly capabilities = SendgridEmailProvider.capabilities;
  protected override readonly errorRules: ErrorRules = sendgridErrorRules;
  private readonly url: string;
  private readonly authorization: string;
  private readonly http: HttpClient;
  private readonly fetchAttachment?: AttachmentFetcher;

  constructor(opts: SendgridProviderOptions) {
    super(opts);
    this.name = opts.name ?? 'sendgrid';
    this.url = `${(opts.baseUrl ?? SENDGRID_BASE_URLS[opts.region ?? 'global']).replace(/\/+$/, '')}/v3/mail/send`;
    this.authorization = `Bearer ${opts.apiKey}`;
    this.http = opts.http ?? new HttpClient();
    this.fetchAttachment = opts.fetchAttachment;
  }

  protected override extraFeatureUses(m: EmailMessage, _ctx: SendContext): FeatureUse<EmailMessage>[] {
    const uses: FeatureUse<EmailMessage>[] = providerOptionUses(m, providerOptionShapes);
    if (!m.to?.length) uses.push({ feature: 'a message without `to` (SendGrid requires a to address in every personalization)' });
    const tags = new Set(m.tags ?? []);
    if (tags.size > SENDGRID_MAX_CATEGORIES)
      uses.push({
        feature: `more than ${SENDGRID_MAX_CATEGORIES} tags (SendGrid's category limit)`,
        drop: (x) => ({ ...x, tags: [...tags].slice(0, SENDGRID_MAX_CATEGORIES) }),
      });
    for (const key of Object.keys(m.metadata ?? {})) {
      if (key === MESSAGE_ID_ARG || RESERVED_EVENT_KEYS.has(key)) {
        uses.push({
          feature: `metadata.${key} (a name SendGrid events or Mailroom's id use)`,
          drop: (x) => ({ ...x, metadata: withoutKey(x.metadata, key) }),
        });
      }
    }
    uses.push(...reservedHeaderUses(m, RESERVED_HEADER, 'SendGrid does not allow it in headers'));
    if (m.template && (m.subject !== undefined || m.text !== undefined || m.html !== undefined || m.amp !== undefined)) {
      uses.push({
        feature: "subject/text/html/amp alongside a dynamic template (SendGrid renders the template's own)",
        drop: (x) => ({ ...x, subject: undefined, text: undefined, html: undefined, amp: undefined }),
      });
    }
    if (m.sendAt !== undefined && Date.parse(m.sendAt) - this.now().getTime() > SENDGRID_MAX_SCHEDULE_MS) {
      uses.push({ feature: 'sendAt more than 72 hours ahead (SendGrid send_at window)', drop: (x) => ({ ...x, sendAt: undefined }) });
    }
    uses.push(...s3AttachmentUses(m, this.name, this.fetchAttachment));
    return uses;
  }

  protected async buildPayload(m: EmailMessage, ctx: SendContext): Promise<readonly SendgridRequest[]> {
    const attachments = await resolveAttachments(m.attachments ?? [], this.name, this.fetchAttachment);
    const request = buildSendgridRequest(m, attachments, ctx, this.now());
    const po = m.providerOptions ?? {};
    const extra = {
      ...(typeof po.batchId === 'string' ? { batch_id: po.batchId } : {}),
      ...(typeof po.ipPoolName === 'string' ? { ip_pool_name: po.ipPoolName } : {}),
    };
    return [{ ...request, body: { ...request.body, ...extra } }];
  }

  protected call(request: SendgridRequest): Promise<HttpResponse> {
    return this.http.request({
      method: 'POST',
      url: this.url,
      headers: { authorization: this.authorization },
      body: jsonBody(request.body),
    });
  }

  protected recipientsOf(request: SendgridRequest): readonly string[] {
    return request.recipients;
  }

  protected parseStatus(request: SendgridRequest, response: HttpResponse): CallOutcome {
    const providerMessageId = response.headers['x-message-id'] || undefined;
    const result: RecipientOutcome = providerMessageId
      ? { status: 'queued', providerMessageId }
      : { status: 'unknown', detail: `SendGrid answered ${response.status} without an X-Message-Id` };
    return {
      recipients: Object.fromEntries(request.recipients.map((r) => [r, result])),
      ...(providerMessageId ? { providerMessageId } : {}),
    };
  }
}
