/**
 * Resend email adapter: POST /emails, or /emails/batch for mergeData (JSON, Bearer key),
 * through the shared HTTP client.
 *
 * Idempotency: every request carries `Idempotency-Key: <our message id>`, the same on every
 * attempt. Resend answers a repeat of an accepted request with the first response and sends
 * nothing (https://resend.com/docs/dashboard/emails/idempotency-keys, kept 24 hours), so a
 * retry after a timeout or a reset (accepted: 'maybe') can never send twice, and the HTTP
 * client may retry such failures itself. The payload is a pure function of the message, so a
 * retry sends the same body (a different body with the same key is 409
 * invalid_idempotent_request, mapped to a permanent error that is never failed over).
 *
 * - Statuses: an accepted request is `queued` for every recipient with Resend's id; a batch
 *   gives each `to` the id of its own email (cc/bcc copies: the first).
 * - sendAt → `scheduled_at`, at most 30 days ahead (https://resend.com/changelog/extended-email-scheduling);
 *   not in a batch (the batch endpoint refuses attachments and scheduled_at).
 * - Not supported: AMP, envelopeSender, inline templates, per-message tracking (open and click
 *   tracking are domain settings at Resend), merge data without a stored template.
 */
import type { EmailMessage } from '../../../contract/message.js';
import { BaseEmailProvider, type BaseProviderOptions, type CallOutcome, type RecipientOutcome } from '../../base.js';
import type { ErrorRules } from '../../classify.js';
import { type AttachmentFetcher, resolveAttachments } from '../../email/attachments.js';
import { reservedHeaderUses, s3AttachmentUses, storedTemplateOnlyUses } from '../../email/feature-rules.js';
import type { FeatureUse } from '../../features.js';
import { jsonBody } from '../../http/body.js';
import { HttpClient, type HttpResponse } from '../../http/client.js';
import { providerOptionUses } from '../../provider-options.js';
import type { EmailCapabilities, SendContext } from '../../types.js';
import { RESEND_BASE_URL } from './config.js';
import { resendErrorRules } from './errors.js';
import { buildResendRequest, type ResendRequest } from './payload.js';

export const RESEND_MAX_SCHEDULE_MS = 30 * 24 * 60 * 60 * 1000;
const RESERVED_HEADER =
  /^(from|to|cc|bcc|subject|reply-to|date|message-id|mime-version|content-type|content-transfer-encoding|resend-idempotency-key)$/i;

export interface ResendProviderOptions extends BaseProviderOptions {
  readonly name?: string;
  readonly apiKey: string;
  /** Overrides https://api.resend.com (the local fake). */
  readonly baseUrl?: string;
  readonly http?: HttpClient;
  readonly fetchAttachment?: AttachmentFetcher;
}

type Request = ResendRequest & { readonly idempotencyKey: string };

export class ResendEmailProvider extends BaseEmailProvider<Request, HttpResponse> {
  static readonly capabilities: EmailCapabilities = {
    attachments: true,
    inlineImages: true,
    customHeaders: true,
    envelopeSender: false,
    amp: false,
    storedTemplates: true,
    inlineTemplates: false,
    mergeData: true,
    tags: true,
    trackingOverrides: false,
    sendAt: true,
  };

  readonly name: string;
  readonly capabilities = ResendEmailProvider.capabilities;
  protected override readonly errorRules: ErrorRules = resendErrorRules;
  private readonly baseUrl: string;
  private readonly authorization: string;
  private readonly http: HttpClient;
  private readonly fetchAttachment?: AttachmentFetcher;

  constructor(opts: ResendProviderOptions) {
    super(opts);
    this.name = opts.name ?? 'resend';
    this.baseUrl = (opts.baseUrl ?? RESEND_BASE_URL).replace(/\/+$/, '');
    this.authorization = `Bearer ${opts.apiKey}`;
    this.http = opts.http ?? new HttpClient();
    this.fetchAttachment = opts.fetchAttachment;
  }

  protected override extraFeatureUses(m: EmailMessage, _ctx: SendContext): FeatureUse<EmailMessage>[] {
    const uses: FeatureUse<EmailMessage>[] = providerOptionUses(m, {});
    if (!m.to?.length) uses.push({ feature: 'a message without `to` (Resend requires one)' });
    uses.push(...reservedHeaderUses(m, RESERVED_HEADER, 'set from message fields'));
    uses.push(...storedTemplateOnlyUses(m, 'Resend'));
    if (m.mergeData && m.attachments?.length)
      uses.push({ feature: 'attachments with mergeData (the Resend batch endpoint takes no attachments)' });
    const scheduled = m.sendAt !== undefined && Date.parse(m.sendAt) > this.now().getTime();
    if (m.mergeData && scheduled)
      uses.push({
        feature: 'sendAt with mergeData (the Resend batch endpoint takes no scheduled_at)',
        drop: (x) => ({ ...x, sendAt: undefined }),
      });
    if (scheduled && Date.parse(m.sendAt!) - this.now().getTime() > RESEND_MAX_SCHEDULE_MS) {
      uses.push({ feature: 'sendAt more than 30 days ahead (Resend scheduled_at window)', drop: (x) => ({ ...x, sendAt: undefined }) });
    }
    if (m.template && (m.subject !== undefined || m.text !== undefined || m.html !== undefined)) {
      uses.push({
        feature: "subject/text/html alongside a template (Resend renders the template's own)",
        drop: (x) => ({ ...x, subject: undefined, text: undefined, html: undefined }),
      });
    }
    uses.push(...s3AttachmentUses(m, this.name, this.fetchAttachment));
    return uses;
  }

  protected async buildPayload(m: EmailMessage, ctx: SendContext): Promise<readonly Request[]> {
    const attachments = await resolveAttachments(m.attachments ?? [], this.name, this.fetchAttachment);
    // Attempt-independent: the key is the message id alone, never the attempt number.
    return [{ ...buildResendRequest(m, attachments, ctx, this.now()), idempotencyKey: ctx.messageId }];
  }

  protected call(request: Request): Promise<HttpResponse> {
    return this.http.request({
      method: 'POST',
      url: `${this.baseUrl}${request.path}`,
      headers: { authorization: this.authorization },
      body: jsonBody(request.body),
      idempotencyKey: { header: 'Idempotency-Key', value: request.idempotencyKey },
    });
  }

  protected recipientsOf(request: Request): readonly string[] {
    return [...request.to, ...request.copies];
  }

  protected parseStatus(request: Request, response: HttpResponse): CallOutcome {
    if (request.path === '/emails') {
      const id = (response.body as { id?: unknown } | undefined)?.id;
      const result: RecipientOutcome =
        typeof id === 'string'
          ? { status: 'queued', providerMessageId: id }
          : { status: 'unknown', detail: 'Resend accepted the request but returned no id' };
      return {
        recipients: Object.fromEntries(request.to.map((r) => [r, result])),
        ...(typeof id === 'string' ? { providerMessageId: id } : {}),
      };
    }
    const data = (response.body as { data?: Array<{ id?: unknown }> } | undefined)?.data ?? [];
    const recipients: Record<string, RecipientOutcome> = {};
    if (data.length !== request.to.length) {
      for (const r of [...request.to, ...request.copies])
        recipients[r] = { status: 'unknown', detail: `Resend returned ${data.length} ids for ${request.to.length} emails` };
      return { recipients };
    }
    request.to.forEach((r, i) => {
      const id = data[i]!.id;
      recipients[r] =
        typeof id === 'string' ? { status: 'queued', providerMessageId: id } : { status: 'unknown', detail: 'no id for this email' };
    });
    for (const copy of request.copies)
      if (!(copy in recipients)) recipients[copy] = { status: 'queued', detail: `copied on ${data.length} emails` };
    return { recipients };
  }
}
