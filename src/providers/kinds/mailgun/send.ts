/**
 * Mailgun email adapter: one POST /v3/{domain}/messages per message (multipart/form-data,
 * basic auth `api:<key>`) through the shared HTTP client, US or EU host by `region`
 * (https://documentation.mailgun.com/docs/mailgun/api-reference/send/mailgun/messages).
 *
 * - mergeData is one call with `recipient-variables` (Mailgun splits it into one message per
 *   `to`), so the send is all-or-nothing and settledRecipients is never needed.
 * - sendAt becomes `o:deliverytime` when it is at most 3 days ahead (Mailgun's scheduling
 *   window; 7 days only on plans with longer storage:
 *   https://documentation.mailgun.com/docs/mailgun/user-manual/sending-messages/schedule-delivery).
 *   Further ahead is refused as an unsupported feature: the send pipeline holds messages until
 *   sendAt anyway, so only a direct caller can get there.
 * - Statuses as Anymail's mailgun backend: an accepted request is `queued` for every recipient,
 *   with Mailgun's id (angle brackets removed, as events name it: ./fields.ts).
 * - envelopeSender: Mailgun picks the envelope sender from the sending domain; there is no
 *   per-message parameter. Inline templates: Mailgun stores templates, it has no inline ones.
 */

import * as z from 'zod';
import type { EmailMessage } from '../../../contract/message.js';
import { BaseEmailProvider, type BaseProviderOptions, type CallOutcome, type RecipientOutcome } from '../../base.js';
import type { ErrorRules } from '../../classify.js';
import { type AttachmentFetcher, resolveAttachments } from '../../email/attachments.js';
import { reservedHeaderUses, s3AttachmentUses } from '../../email/feature-rules.js';
import type { FeatureUse } from '../../features.js';
import { multipartBody } from '../../http/body.js';
import { HttpClient, type HttpResponse } from '../../http/client.js';
import { providerOptionUses } from '../../provider-options.js';
import type { EmailCapabilities, SendContext } from '../../types.js';
import { MAILGUN_BASE_URLS } from './config.js';
import { mailgunErrorRules } from './errors.js';
import { bareMailgunMessageId, MESSAGE_ID_VARIABLE } from './fields.js';
import { buildMailgunRequest, type MailgunRequest } from './payload.js';

/** o:tag takes at most 3 tags per message (messages API reference, `o:tag`). */
export const MAILGUN_MAX_TAGS = 3;
/** How far ahead o:deliverytime may be (schedule-delivery page: 3 days, 7 on some plans). */
export const MAILGUN_MAX_SCHEDULE_MS = 3 * 24 * 60 * 60 * 1000;

/** Headers Mailgun builds from parameters, and its control headers (X-Mailgun-Variables would forge our id). */
const RESERVED_HEADER =
  /^(from|to|cc|bcc|subject|reply-to|date|message-id|mime-version|content-type|content-transfer-encoding|x-mailgun-.*)$/i;

export interface MailgunProviderOptions extends BaseProviderOptions {
  readonly name?: string;
  readonly apiKey: string;
  readonly domain: string;
  readonly region?: 'us' | 'eu';
  /** Overrides the region's host (the local fake). */
  readonly baseUrl?: string;
  readonly http?: HttpClient;
  /** For attachments given as `s3: {bucket, key}`. */
  readonly fetchAttachment?: AttachmentFetcher;
}

const providerOptionShapes = {
  /** `t:version`: a version of the stored template other than the active one. */
  templateVersion: z.string().min(1),
};

export class MailgunEmailProvider extends BaseEmailProvider<MailgunRequest, HttpResponse> {
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
  readonly capabilities = MailgunEmailProvider.capabilities;
  protected override readonly errorRules: ErrorRules = mailgunErrorRules;
  private readonly url: string;
  private readonly authorization: string;
  private readonly http: HttpClient;
  private readonly fetchAttachment?: AttachmentFetcher;

  constructor(opts: MailgunProviderOptions) {
    super(opts);
    this.name = opts.name ?? 'mailgun';
    const base = (opts.baseUrl ?? MAILGUN_BASE_URLS[opts.region ?? 'us']).replace(/\/+$/, '');
    this.url = `${base}/v3/${encodeURIComponent(opts.domain)}/messages`;
    this.authorization = `Basic ${Buffer.from(`api:${opts.apiKey}`).toString('base64')}`;
    this.http = opts.http ?? new HttpClient();
    this.fetchAttachment = opts.fetchAttachment;
  }

  protected override extraFeatureUses(m: EmailMessage, _ctx: SendContext): FeatureUse<EmailMessage>[] {
    const uses: FeatureUse<EmailMessage>[] = providerOptionUses(m, providerOptionShapes);
    const tags = new Set(m.tags ?? []);
    if (tags.size > MAILGUN_MAX_TAGS)
      uses.push({
        feature: `more than ${MAILGUN_MAX_TAGS} tags (Mailgun's o:tag limit)`,
        drop: (x) => ({ ...x, tags: [...tags].slice(0, MAILGUN_MAX_TAGS) }),
      });
    if (m.metadata && Object.hasOwn(m.metadata, MESSAGE_ID_VARIABLE)) {
      uses.push({
        feature: `metadata.${MESSAGE_ID_VARIABLE} (the variable carrying Mailroom's id)`,
        drop: (x) => ({ ...x, metadata: Object.fromEntries(Object.entries(x.metadata ?? {}).filter(([k]) => k !== MESSAGE_ID_VARIABLE)) }),
      });
    }
    uses.push(...reservedHeaderUses(m, RESERVED_HEADER, 'set from message fields or a Mailgun control header'));
    if (m.sendAt !== undefined && Date.parse(m.sendAt) - this.now().getTime() > MAILGUN_MAX_SCHEDULE_MS) {
      uses.push({ feature: 'sendAt more than 3 days ahead (Mailgun o:deliverytime window)', drop: (x) => ({ ...x, sendAt: undefined }) });
    }
    if (m.mergeGlobalData && !m.mergeData && !m.template) {
      uses.push({ feature: 'mergeGlobalData without mergeData or a stored template (Mailgun substitutes per-recipient variables only)' });
    }
    if (m.mergeData && !m.to?.length) uses.push({ feature: 'mergeData without a `to` recipient' });
    uses.push(...s3AttachmentUses(m, this.name, this.fetchAttachment));
    return uses;
  }

  protected async buildPayload(m: EmailMessage, ctx: SendContext): Promise<readonly MailgunRequest[]> {
    const attachments = await resolveAttachments(m.attachments ?? [], this.name, this.fetchAttachment);
    return [buildMailgunRequest(m, attachments, ctx, this.now())];
  }

  protected async call(request: MailgunRequest): Promise<HttpResponse> {
    return this.http.request({
      method: 'POST',
      url: this.url,
      headers: { authorization: this.authorization },
      body: await multipartBody(request.fields),
    });
  }

  protected recipientsOf(request: MailgunRequest): readonly string[] {
    return request.recipients;
  }

  protected parseStatus(request: MailgunRequest, response: HttpResponse): CallOutcome {
    const id = (response.body as { id?: unknown } | undefined)?.id;
    const providerMessageId = typeof id === 'string' ? bareMailgunMessageId(id) : undefined;
    const result: RecipientOutcome = providerMessageId
      ? { status: 'queued', providerMessageId }
      : { status: 'unknown', detail: 'Mailgun accepted the request but returned no id' };
    return {
      recipients: Object.fromEntries(request.recipients.map((r) => [r, result])),
      ...(providerMessageId ? { providerMessageId } : {}),
    };
  }
}
