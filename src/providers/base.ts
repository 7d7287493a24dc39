/**
 * Abstract bases for adapters (Anymail's backends/base.py): the base owns the flow
 *
 *   check features → buildPayload → call → parseStatus → raiseForStatus
 *
 * and adapters fill in the steps. A payload is a list of provider requests: one for a normal
 * send, several when the provider caps a call (SES SendBulkEmail: 50 destinations). The
 * base runs them in order and keeps the outcome honest when a later call fails:
 * - a permanent failure of one call settles that call's recipients as failed and the rest go on;
 * - a transient failure (or per-recipient transient statuses) stops the send: with nothing
 *   settled yet it is a plain TransientProviderError, otherwise a PartialSendError that says
 *   who was settled, so a retry sends only to the others.
 * Every SDK, HTTP or network error is translated here, at the boundary, into our typed errors
 * (./translate.ts), whatever the transport.
 */
import type { EmailMessage, SmsMessage } from '../contract/message.js';
import { sendStatusForCode } from './aws-errors.js';
import type { ErrorRules } from './classify.js';
import { PartialSendError, PermanentProviderError, type ProviderError, TransientProviderError, UnsupportedFeatureError } from './errors.js';
import { emailFeatureUses, type FeatureUse, smsFeatureUses } from './features.js';
import { translateProviderError } from './translate.js';
import type { EmailCapabilities, EmailProvider, RecipientResult, SendContext, SendResult, SmsCapabilities, SmsProvider } from './types.js';

/** One recipient's outcome from parseStatus; `retryable` marks a per-recipient transient failure. */
export type RecipientOutcome = RecipientResult & { readonly retryable?: boolean };

export interface CallOutcome {
  readonly recipients: Readonly<Record<string, RecipientOutcome>>;
  readonly providerMessageId?: string;
}

export interface BaseProviderOptions {
  /** Clock for `sendAt` checks (tests pass a fixed one). */
  readonly now?: () => Date;
}

const ACCEPTED = new Set(['queued', 'sent', 'unknown']);

export abstract class BaseProvider<M, Caps, Req, Res> {
  abstract readonly name: string;
  abstract readonly capabilities: Caps;
  protected readonly now: () => Date;
  /** Service-specific error rules (SDK exceptions, provider codes in HTTP bodies) tried before the generic tables. */
  protected readonly errorRules?: ErrorRules;

  constructor(opts: BaseProviderOptions = {}) {
    this.now = opts.now ?? (() => new Date());
  }

  /** Features the message uses that this adapter lacks (generic capability checks plus the adapter's own). */
  protected abstract featureUses(message: M, ctx: SendContext): FeatureUse<M>[];
  protected abstract buildPayload(message: M, ctx: SendContext): Promise<readonly Req[]>;
  protected abstract call(request: Req): Promise<Res>;
  protected abstract parseStatus(request: Req, response: Res, message: M): CallOutcome;
  /** Lower-cased recipients a request sends to, to settle them when the call fails for good. */
  protected abstract recipientsOf(request: Req): readonly string[];

  protected translateError(error: unknown): ProviderError {
    return translateProviderError(error, this.name, this.errorRules);
  }

  /** Adds channel-specific fields (SMS segments) to the result. */
  protected finish(result: SendResult, _message: M): SendResult {
    return result;
  }

  async send(message: M, ctx: SendContext): Promise<SendResult> {
    const { message: effective, ignored } = this.checkFeatures(message, ctx);
    const requests = await this.buildPayload(effective, ctx);
    const settled: Record<string, RecipientResult> = {};
    let providerMessageId: string | undefined;
    let firstPermanent: ProviderError | undefined;

    for (const [index, request] of requests.entries()) {
      let response: Res;
      try {
        response = await this.call(request);
      } catch (error) {
        const translated = this.translateError(error);
        if (translated instanceof UnsupportedFeatureError) throw translated;
        if (translated.retryable) {
          throw this.stopTransient(translated, settled, requests.slice(index));
        }
        firstPermanent ??= translated;
        const status = sendStatusForCode(translated.code);
        for (const r of this.recipientsOf(request)) mergeOutcome(settled, r, { status, code: translated.code, detail: translated.message });
        continue;
      }
      const outcome = this.parseStatus(request, response, effective);
      providerMessageId ??= outcome.providerMessageId;
      const retryLater: string[] = [];
      for (const [r, result] of Object.entries(outcome.recipients)) {
        if (result.retryable) retryLater.push(r);
        else mergeOutcome(settled, r, stripRetryable(result));
      }
      if (retryLater.length > 0) {
        const first = outcome.recipients[retryLater[0]!]!;
        const cause = new TransientProviderError(`${this.name}: ${first.detail ?? first.code ?? 'transient failure'}`, {
          provider: this.name,
          code: first.code ?? 'transient_failure',
        });
        throw this.stopTransient(cause, settled, requests.slice(index + 1), retryLater);
      }
    }

    const result: SendResult = {
      provider: this.name,
      ...(providerMessageId !== undefined && requests.length === 1 ? { providerMessageId } : {}),
      recipients: settled,
      ...(ignored.length > 0 ? { ignoredFeatures: ignored } : {}),
    };
    this.raiseForStatus(result, firstPermanent);
    return this.finish(result, effective);
  }

  /**
   * Throws when the provider accepted nobody (Anymail's raise_for_status): the message
   * failed, and the error carries every recipient's reason.
   */
  protected raiseForStatus(result: SendResult, firstPermanent: ProviderError | undefined): void {
    const outcomes = Object.entries(result.recipients);
    if (outcomes.length === 0 || outcomes.some(([, r]) => ACCEPTED.has(r.status))) return;
    const code = firstPermanent?.code ?? outcomes[0]![1].code ?? 'rejected';
    const reasons = outcomes.map(([r, o]) => `${r}: ${o.detail ?? o.code ?? o.status}`).join('; ');
    const message =
      firstPermanent && outcomes.every(([, o]) => o.detail === firstPermanent.message)
        ? firstPermanent.message
        : `${this.name}: no recipient accepted (${reasons})`;
    throw new PermanentProviderError(message, {
      provider: this.name,
      code,
      statusCode: firstPermanent?.statusCode,
      cause: firstPermanent?.cause ?? firstPermanent,
      recipients: result.recipients,
      // A refusal that may still have sent (Resend's idempotency conflict) must stay 'maybe', or failover would send twice.
      ...(firstPermanent ? { accepted: firstPermanent.accepted } : {}),
      ...(firstPermanent?.providerCode !== undefined ? { providerCode: firstPermanent.providerCode } : {}),
    });
  }

  private stopTransient(
    cause: ProviderError,
    settled: Record<string, RecipientResult>,
    remaining: readonly Req[],
    alsoUnsettled: readonly string[] = [],
  ): ProviderError {
    if (Object.keys(settled).length === 0) return cause;
    const unsettled = new Set(alsoUnsettled);
    for (const request of remaining) for (const r of this.recipientsOf(request)) if (!(r in settled)) unsettled.add(r);
    return new PartialSendError(
      `${this.name}: settled ${Object.keys(settled).length} recipient(s), ${unsettled.size} left to send after: ${cause.message}`,
      {
        provider: this.name,
        code: cause.code,
        statusCode: cause.statusCode,
        cause,
        recipients: { ...settled },
        unsettled: [...unsettled],
        throttled: cause.throttled,
        accepted: cause.accepted,
        retryAfterSeconds: cause.retryAfterSeconds,
        providerCode: cause.providerCode,
      },
    );
  }

  private checkFeatures(message: M, ctx: SendContext): { message: M; ignored: string[] } {
    const uses = this.featureUses(message, ctx);
    if (uses.length === 0) return { message, ignored: [] };
    const undroppable = uses.filter((u) => u.drop === undefined);
    if (!ctx.ignoreUnsupportedFeatures || undroppable.length > 0) {
      const listed = ctx.ignoreUnsupportedFeatures ? undroppable : uses;
      throw new UnsupportedFeatureError(
        this.name,
        listed.map((u) => (ctx.ignoreUnsupportedFeatures ? `${u.feature} (cannot be ignored)` : u.feature)),
      );
    }
    let current = message;
    for (const use of uses) current = use.drop!(current);
    return { message: current, ignored: uses.map((u) => u.feature) };
  }
}

/** A recipient that appears in several calls (cc/bcc of a bulk send) keeps its best outcome. */
function mergeOutcome(into: Record<string, RecipientResult>, recipient: string, result: RecipientResult): void {
  const existing = into[recipient];
  if (existing && ACCEPTED.has(existing.status)) return;
  into[recipient] = result;
}

function stripRetryable(result: RecipientOutcome): RecipientResult {
  const { retryable: _retryable, ...rest } = result;
  return rest;
}

export abstract class BaseEmailProvider<Req, Res> extends BaseProvider<EmailMessage, EmailCapabilities, Req, Res> implements EmailProvider {
  /** What the provider tracks regardless of the message (see emailFeatureUses), when known. */
  protected readonly trackingDefaults?: { readonly opens: boolean; readonly clicks: boolean };

  protected featureUses(message: EmailMessage, ctx: SendContext): FeatureUse<EmailMessage>[] {
    return [...emailFeatureUses(message, this.capabilities, this.now(), this.trackingDefaults), ...this.extraFeatureUses(message, ctx)];
  }

  /** Adapter-specific limits beyond the capability flags (SES: reserved headers, S3 attachments…). */
  protected extraFeatureUses(_message: EmailMessage, _ctx: SendContext): FeatureUse<EmailMessage>[] {
    return [];
  }
}

export abstract class BaseSmsProvider<Req, Res> extends BaseProvider<SmsMessage, SmsCapabilities, Req, Res> implements SmsProvider {
  protected featureUses(message: SmsMessage, ctx: SendContext): FeatureUse<SmsMessage>[] {
    return [...smsFeatureUses(message, this.capabilities, this.now()), ...this.extraFeatureUses(message, ctx)];
  }

  protected extraFeatureUses(_message: SmsMessage, _ctx: SendContext): FeatureUse<SmsMessage>[] {
    return [];
  }
}
