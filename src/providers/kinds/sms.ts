/**
 * The SMS kinds: one line registers a kind (its folder holds the rest). The SMS send Lambda
 * imports this table only, so its bundle carries no email adapter.
 */
import { sns } from './sns/index.js';
import type { SmsKind } from './types.js';

export const SMS_KINDS = { sns } satisfies Record<string, SmsKind>;
