/**
 * The email kinds: one line registers a kind (its folder holds the rest). The email send
 * Lambda imports this table only, so its bundle carries no SMS adapter.
 */
import { ses } from './ses/index.js';
import type { EmailKind } from './types.js';

export const EMAIL_KINDS = { ses } satisfies Record<string, EmailKind>;
