/**
 * Feature checks every HTTP/SMTP email adapter makes the same way (src/providers/kinds/*):
 * headers the adapter sets itself, `s3` attachments without a fetcher, and template-only
 * substitution. Each yields FeatureUses, so the base flow refuses them as unsupported_feature
 * or drops them under `ignoreUnsupportedFeatures` (../base.ts).
 */
import type { EmailMessage } from '../../contract/message.js';
import type { FeatureUse } from '../features.js';
import type { AttachmentFetcher } from './attachments.js';

type Use = FeatureUse<EmailMessage>;

/** A copy of `o` without `key`; other keys (prototype names included) stay own data properties. */
export function withoutKey<V>(o: Readonly<Record<string, V>> | undefined, key: string): Record<string, V> {
  return Object.fromEntries(Object.entries(o ?? {}).filter(([k]) => k !== key));
}

/** Headers matching `reserved` (the adapter builds them, or they are provider control headers). */
export function reservedHeaderUses(m: EmailMessage, reserved: RegExp, why: string): Use[] {
  return Object.keys(m.headers ?? {})
    .filter((name) => reserved.test(name))
    .map((name) => ({ feature: `headers.${name} (${why})`, drop: (x) => ({ ...x, headers: withoutKey(x.headers, name) }) }));
}

/** `s3` attachments when the adapter was built without a way to fetch them. */
export function s3AttachmentUses(m: EmailMessage, adapter: string, fetcher: AttachmentFetcher | undefined): Use[] {
  if (fetcher) return [];
  return (m.attachments ?? []).flatMap((a, i) =>
    a.s3
      ? [
          {
            feature: `attachments[${i}].s3 (no S3 fetcher configured for adapter ${adapter})`,
            drop: (x: EmailMessage) => ({ ...x, attachments: x.attachments?.filter((b) => b !== a) }),
          },
        ]
      : [],
  );
}

/** Providers that substitute variables only in a stored template, and render that template's own content. */
export function storedTemplateOnlyUses(m: EmailMessage, provider: string): Use[] {
  const uses: Use[] = [];
  const stored = m.template !== undefined && 'name' in m.template;
  if (m.mergeData && !stored)
    uses.push({ feature: `mergeData without a stored template (${provider} substitutes variables only in templates)` });
  if (m.mergeGlobalData && !stored)
    uses.push({ feature: `mergeGlobalData without a stored template (${provider} substitutes variables only in templates)` });
  return uses;
}
