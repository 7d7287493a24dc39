/**
 * Postmark email adapter: POST /email, /email/withTemplate or /email/batchWithTemplates
 * (JSON, `X-Postmark-Server-Token`) through the shared HTTP client (./payload.ts says which).
 *
 * - A single send that Postmark accepts is `queued` for every recipient with its MessageID.
 * - A batch answers 200 with one result per message: ErrorCode 0 → `queued` with that
 *   message's MessageID; other codes per ./errors.ts (406 inactive recipient → `rejected`,
 *   300 illegal address → `invalid`, 429 → retried for that recipient alone). cc/bcc copies
 *   take the best outcome of their copies, as in the SES bulk send. A batch is one call, so a
 *   retried recipient is re-sent with settledRecipients skipping the others.
 * - Tags: Postmark keeps one `Tag` per message (https://postmarkapp.com/support/article/1125-custom-metadata-faq):
 *   the first tag is sent; more are an unsupported feature (dropped, and named, under
 *   ignoreUnsupportedFeatures). Our record keeps every tag.
 * - Not supported: AMP, inline templates, envelopeSender (Postmark sets its own Return-Path),
 *   sendAt (no scheduling in the email API), mergeData or mergeGlobalData without a stored
 *   template (Postmark substitutes variables only in templates).
 */
import * as z from 'zod';
import type { EmailMessage } from '../../../contract/message.js';
import { BaseEmailProvider, type BaseProviderOptions, type CallOutcome, type RecipientOutcome } from '../../base.js';
import type { ErrorRules } from '../../classify.js';
import { type AttachmentFetcher, resolveAttachments } from '../../email/attachments.js';
import { reservedHeaderUses, s3AttachmentUses, storedTemplateOnlyUses, withoutKey } from '../../email/feature-rules.js';
import type { FeatureUse } from '../../features.js';
import { jsonBody } from '../../http/body.js';
import { HttpClient, type HttpResponse } from '../../http/client.js';
import { providerOptionUses } from '../../provider-options.js';
import type { EmailCapabilities, SendContext } from '../../types.js';
import { POSTMARK_BASE_URL } from './config.js';
import { batchOutcome, postmarkErrorRules } from './errors.js';
import { MAX_TAGS, MESSAGE_ID_METADATA } from './fields.js';
import { buildPostmarkRequest, type PostmarkRequest } from './payload.js';

/** Headers built from message fields, and Postmark's SMTP control headers (X-PM-Metadata-* would forge metadata). */
const RESERVED_HEADER = /^(from|to|cc|bcc|subject|reply-to|date|message-id|mime-version|content-type|content-transfer-encoding|x-pm-.*)$/i;

export interface PostmarkProviderOptions extends BaseProviderOptions {
  readonly name?: string;
  readonly serverToken: string;
  /** @default 'outbound' */
  readonly messageStream?: string;
  /** Overrides https://api.postmarkapp.com (the local fake). */
  readonly baseUrl?: string;
  readonly http?: HttpClient;
  readonly fetchAttachment?: AttachmentFetcher;
}

const providerOptionShapes = {
  /** Another message stream for this message (a broadcast stream, say). */
  messageStream: z.string().min(1).max(100),
};

type BatchResult = { To?: string; MessageID?: string; ErrorCode?: number; Message?: string };
export class PostmarkEmailProvider extends BaseEmailProvider<PostmarkRequest, HttpResponse> {
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
    trackingOverrides: true,
    sendAt: false,
  };

  readonly name: string;
  readonly capabilities = PostmarkEmailProvider.capabilities;
  protected override readonly errorRules: ErrorRules = postmarkErrorRules;
  private readonly baseUrl: string;
  private readonly serverToken: string;
  private readonly messageStream: string;
  private readonly http: HttpClient;
  private readonly fetchAttachment?: AttachmentFetcher;

  constructor(opts: PostmarkProviderOptions) {
    super(opts);
    this.name = opts.name ?? 'postmark';
    this.baseUrl = (opts.baseUrl ?? POSTMARK_BASE_URL).replace(/\/+$/, '');
    this.serverToken = opts.serverToken;
    this.messageStream = opts.messageStream ?? 'outbound';
    this.http = opts.http ?? new HttpClient();
    this.fetchAttachment = opts.fetchAttachment;
  }

  protected override extraFeatureUses(m: EmailMessage, _ctx: SendContext): FeatureUse<EmailMessage>[] {
    const uses: FeatureUse<EmailMessage>[] = providerOptionUses(m, providerOptionShapes);
    const tags = [...new Set(m.tags ?? [])];
    if (tags.length > MAX_TAGS)
      uses.push({
        feature: 'more than one tag (Postmark keeps one Tag per message; the first is sent)',
        drop: (x) => ({ ...x, tags: tags.slice(0, MAX_TAGS) }),
      });
    if (m.metadata && Object.hasOwn(m.metadata, MESSAGE_ID_METADATA)) {
      uses.push({
        feature: `metadata.${MESSAGE_ID_METADATA} (the Metadata key carrying Mailroom's id)`,
        drop: (x) => ({ ...x, metadata: withoutKey(x.metadata, MESSAGE_ID_METADATA) }),
      });
    }
    uses.push(...reservedHeaderUses(m, RESERVED_HEADER, 'set from message fields or a Postmark control header'));
    uses.push(...storedTemplateOnlyUses(m, 'Postmark'));
    if (m.mergeData && !m.to?.length) uses.push({ feature: 'mergeData without a `to` recipient' });
    if (m.template && (m.subject !== undefined || m.text !== undefined || m.html !== undefined)) {
      uses.push({
        feature: "subject/text/html alongside a template (Postmark renders the template's own)",
        drop: (x) => ({ ...x, subject: undefined, text: undefined, html: undefined }),
      });
    }
    uses.push(...s3AttachmentUses(m, this.name, this.fetchAttachment));
    return uses;
  }

  protected async buildPayload(m: EmailMessage, ctx: SendContext): Promise<readonly PostmarkRequest[]> {
    const attachments = await resolveAttachments(m.attachments ?? [], this.name, this.fetchAttachment);
    const stream = typeof m.providerOptions?.messageStream === 'string' ? m.providerOptions.messageStream : this.messageStream;
    const settled = new Set((ctx.settledRecipients ?? []).map((r) => r.toLowerCase()));
    // A retry after a batch settled some recipients sends only to the others.
    const pending = m.mergeData && settled.size ? { ...m, to: m.to?.filter((r) => !settled.has(r.address.toLowerCase())) } : m;
    return [buildPostmarkRequest(pending, attachments, ctx, stream)];
  }

  protected call(request: PostmarkRequest): Promise<HttpResponse> {
    return this.http.request({
      method: 'POST',
      url: `${this.baseUrl}${request.endpoint}`,
      headers: { 'x-postmark-server-token': this.serverToken },
      body: jsonBody(request.body),
    });
  }

  protected recipientsOf(request: PostmarkRequest): readonly string[] {
    return [...request.to, ...request.copies];
  }

  protected parseStatus(request: PostmarkRequest, response: HttpResponse): CallOutcome {
    if (request.endpoint !== '/email/batchWithTemplates') {
      const id = (response.body as BatchResult | undefined)?.MessageID;
      const result: RecipientOutcome = id
        ? { status: 'queued', providerMessageId: id }
        : { status: 'unknown', detail: 'Postmark accepted the request but returned no MessageID' };
      return { recipients: Object.fromEntries(request.to.map((r) => [r, result])), ...(id ? { providerMessageId: id } : {}) };
    }
    const results = Array.isArray(response.body) ? (response.body as BatchResult[]) : [];
    const recipients: Record<string, RecipientOutcome> = {};
    if (results.length !== request.to.length) {
      for (const r of [...request.to, ...request.copies])
        recipients[r] = { status: 'unknown', detail: `Postmark returned ${results.length} results for ${request.to.length} messages` };
      return { recipients };
    }
    const outcomes = request.to.map((to, i) => {
      const entry = results[i]!;
      const mapped = batchOutcome(entry.ErrorCode ?? -1, entry.Message ?? '');
      const outcome: RecipientOutcome = {
        status: mapped.status,
        ...(entry.MessageID ? { providerMessageId: entry.MessageID } : {}),
        ...(mapped.code ? { code: mapped.code, detail: entry.Message ?? `ErrorCode ${entry.ErrorCode}` } : {}),
        ...(mapped.retryable ? { retryable: true } : {}),
      };
      recipients[to] = outcome;
      return outcome;
    });
    const accepted = outcomes.filter((o) => o.status === 'queued').length;
    for (const copy of request.copies) {
      if (copy in recipients) continue;
      const { providerMessageId: _id, ...first } = outcomes[0]!;
      recipients[copy] = accepted > 0 ? { status: 'queued', detail: `copied on ${accepted} of ${outcomes.length} messages` } : first;
    }
    return { recipients };
  }
}
