/**
 * Every provider kind, keyed by kind (docs/contract.md §7 `providers.<name>.kind`). Register a kind in
 * its channel's table (kinds/email.ts or kinds/sms.ts); the configuration schema, the CDK
 * grants and the tests read this union. Checklist: docs/providers.md, "Adding a provider".
 */
import { EMAIL_KINDS } from './kinds/email.js';
import { SMS_KINDS } from './kinds/sms.js';
import type { KindDescriptor } from './kinds/types.js';

export const KINDS = { ...EMAIL_KINDS, ...SMS_KINDS } satisfies Record<string, KindDescriptor>;
export type KindName = keyof typeof KINDS;
