/**
 * Options of the SES adapter: construction options (validated once, ConfigError listing
 * every problem) and the per-message `providerOptions` escape hatch (Anymail's esp_extra),
 * limited to SendEmail/SendBulkEmail parameters that cannot break our own bookkeeping.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import * as z from 'zod';
import { safeRecord } from '../../contract/record.js';
import { ConfigError } from '../../errors.js';
import type { BaseProviderOptions } from '../base.js';
import { providerNameProblem } from '../names.js';
import type { AttachmentFetcher } from './attachments.js';
import { MESSAGE_ID_TAG, TAG_PATTERN } from './ses-tags.js';

export interface SesEmailProviderOptions extends BaseProviderOptions {
  /** Configuration set for every send (event publishing, tracking, suppression, IP pool). */
  readonly configurationSet?: string;
  /** Adapter name used in results, errors and the registry. Default `ses`. */
  readonly name?: string;
  /** Name of the SES message tag carrying our message id. Default `mailroom-message-id`. */
  readonly messageIdTag?: string;
  /** For attachments given as `s3: {bucket, key}`; the Lambda role needs s3:GetObject. */
  readonly s3?: S3Client;
  /** Overrides `s3`: how to read S3-referenced attachments. */
  readonly fetchAttachment?: AttachmentFetcher;
  /**
   * What the configuration set does for open and click tracking, when known. SES tracks per
   * configuration set, not per message, so a message's trackOpens/trackClicks is accepted
   * only when it matches this; anything else is an unsupported per-message override.
   */
  readonly tracking?: { readonly opens: boolean; readonly clicks: boolean };
}

const CONFIGURATION_SET = /^[A-Za-z0-9_-]{1,64}$/;

export function validateSesOptions(opts: SesEmailProviderOptions): void {
  const problems: string[] = [];
  if (opts.configurationSet !== undefined && !CONFIGURATION_SET.test(opts.configurationSet)) {
    problems.push(`SES configuration set "${opts.configurationSet}" must be 1-64 letters, digits, _ or -`);
  }
  if (opts.messageIdTag !== undefined && !TAG_PATTERN.test(opts.messageIdTag)) {
    problems.push(`SES message tag name "${opts.messageIdTag}" may only hold ASCII letters, digits, _ and - (at most 256)`);
  }
  const nameProblem = providerNameProblem(opts.name);
  if (nameProblem) problems.push(nameProblem);
  if (problems.length > 0) throw new ConfigError(problems);
}

export const DEFAULT_MESSAGE_ID_TAG = MESSAGE_ID_TAG;

const arn = z.string().regex(/^arn:[\w-]+:ses:[\w-]+:\d{12}:identity\/.+$/, 'an SES identity ARN');

/** Each key is validated on its own so one bad key is reported (or dropped) alone. */
export const sesProviderOptionShapes = {
  configurationSetName: z.string().regex(CONFIGURATION_SET),
  fromEmailAddressIdentityArn: arn,
  feedbackForwardingEmailAddressIdentityArn: arn,
  listManagementOptions: z.object({ contactListName: z.string().min(1), topicName: z.string().min(1).optional() }).strict(),
  tenantName: z.string().min(1).max(64),
  endpointId: z.string().min(1),
  /** Extra SES message tags (name → value), e.g. for CloudWatch dimensions. */
  emailTags: safeRecord(z.string().regex(TAG_PATTERN), z.string().regex(TAG_PATTERN)),
} as const;

export type SesProviderOptions = {
  -readonly [K in keyof typeof sesProviderOptionShapes]?: z.output<(typeof sesProviderOptionShapes)[K]>;
};

/** Splits providerOptions into what the adapter takes and a reason per key it does not. */
export function parseSesProviderOptions(raw: Readonly<Record<string, unknown>> | undefined): {
  options: SesProviderOptions;
  rejected: { key: string; reason: string }[];
} {
  const options: Record<string, unknown> = {};
  const rejected: { key: string; reason: string }[] = [];
  for (const [key, value] of Object.entries(raw ?? {})) {
    // Own keys only: a key named after an Object.prototype member (`constructor`) is unknown too.
    const shape = Object.hasOwn(sesProviderOptionShapes, key) ? (sesProviderOptionShapes as Record<string, z.ZodType>)[key] : undefined;
    if (!shape) {
      rejected.push({ key, reason: 'not an SES option this adapter passes on' });
      continue;
    }
    const parsed = shape.safeParse(value);
    if (parsed.success) options[key] = parsed.data;
    else rejected.push({ key, reason: parsed.error.issues.map((i) => i.message).join(', ') });
  }
  return { options: options as SesProviderOptions, rejected };
}
