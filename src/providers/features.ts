/**
 * Which features a message asks for that an adapter's declared capabilities lack
 * (Anymail's `unsupported_feature`). Each use says how to drop the feature when
 * `ignoreUnsupportedFeatures` is on; a use without `drop` cannot be ignored, because the
 * message would become a different message (e.g. `mergeData` dropped = every `to` sees the
 * others in one shared email).
 */
import { E164_SYNTAX } from '../contract/e164.js';
import type { EmailMessage, SmsMessage } from '../contract/message.js';
import type { EmailCapabilities, SmsCapabilities } from './types.js';

export interface FeatureUse<M> {
  /** Human-readable, names the field: "attachments[2].s3 (no S3 client configured)". */
  readonly feature: string;
  readonly drop?: (message: M) => M;
}

/** sendAt counts as a feature only while it is in the future; the pipeline holds messages until then. */
export function scheduledInFuture(sendAt: string | undefined, now: Date): boolean {
  return sendAt !== undefined && Date.parse(sendAt) > now.getTime();
}

/**
 * `tracking` is what the provider does anyway (e.g. an SES configuration set with open and
 * click tracking on): a per-message value equal to it asks for nothing the provider lacks.
 */
export function emailFeatureUses(
  m: EmailMessage,
  caps: EmailCapabilities,
  now: Date,
  tracking?: { readonly opens: boolean; readonly clicks: boolean },
): FeatureUse<EmailMessage>[] {
  const uses: FeatureUse<EmailMessage>[] = [];
  const attachments = m.attachments ?? [];
  if (!caps.attachments && attachments.some((a) => a.disposition !== 'inline')) {
    uses.push({ feature: 'attachments', drop: (x) => ({ ...x, attachments: x.attachments?.filter((a) => a.disposition === 'inline') }) });
  }
  if (!caps.inlineImages && attachments.some((a) => a.disposition === 'inline')) {
    uses.push({
      feature: 'inline attachments (Content-ID)',
      drop: (x) => ({ ...x, attachments: x.attachments?.filter((a) => a.disposition !== 'inline') }),
    });
  }
  if (!caps.customHeaders && m.headers && Object.keys(m.headers).length > 0) {
    uses.push({ feature: 'custom headers', drop: (x) => ({ ...x, headers: undefined }) });
  }
  if (!caps.envelopeSender && m.envelopeSender !== undefined) {
    uses.push({ feature: 'envelopeSender', drop: (x) => ({ ...x, envelopeSender: undefined }) });
  }
  if (!caps.amp && m.amp !== undefined) uses.push({ feature: 'amp', drop: (x) => ({ ...x, amp: undefined }) });
  if (m.template && 'name' in m.template && !caps.storedTemplates) uses.push({ feature: 'stored templates' });
  if (m.template && !('name' in m.template) && !caps.inlineTemplates) uses.push({ feature: 'inline templates' });
  if (m.mergeData && !caps.mergeData) uses.push({ feature: 'mergeData (one message per recipient)' });
  if (!caps.trackingOverrides) {
    if (m.trackOpens !== undefined && m.trackOpens !== tracking?.opens)
      uses.push({ feature: 'trackOpens (per-message tracking override)', drop: (x) => ({ ...x, trackOpens: undefined }) });
    if (m.trackClicks !== undefined && m.trackClicks !== tracking?.clicks)
      uses.push({ feature: 'trackClicks (per-message tracking override)', drop: (x) => ({ ...x, trackClicks: undefined }) });
  }
  if (!caps.sendAt && scheduledInFuture(m.sendAt, now)) {
    uses.push({ feature: 'sendAt (provider-side scheduling)', drop: (x) => ({ ...x, sendAt: undefined }) });
  }
  return uses;
}

export function smsFeatureUses(m: SmsMessage, caps: SmsCapabilities, now: Date): FeatureUse<SmsMessage>[] {
  const uses: FeatureUse<SmsMessage>[] = [];
  if (m.from !== undefined) {
    const isNumber = E164_SYNTAX.test(m.from);
    if (isNumber && !caps.originationNumber) uses.push({ feature: 'from (origination number)', drop: (x) => ({ ...x, from: undefined }) });
    if (!isNumber && !caps.senderId) uses.push({ feature: 'from (alphanumeric sender ID)', drop: (x) => ({ ...x, from: undefined }) });
  }
  if (!caps.maxPrice && m.maxPrice !== undefined) uses.push({ feature: 'maxPrice', drop: (x) => ({ ...x, maxPrice: undefined }) });
  if (!caps.mms && m.mediaUrls && m.mediaUrls.length > 0) {
    uses.push({ feature: 'mediaUrls (MMS)', drop: (x) => ({ ...x, mediaUrls: undefined }) });
  }
  if (!caps.promotional && m.smsType === 'promotional') {
    uses.push({ feature: 'smsType promotional', drop: (x) => ({ ...x, smsType: 'transactional' }) });
  }
  if (!caps.sendAt && scheduledInFuture(m.sendAt, now)) {
    uses.push({ feature: 'sendAt (provider-side scheduling)', drop: (x) => ({ ...x, sendAt: undefined }) });
  }
  return uses;
}
