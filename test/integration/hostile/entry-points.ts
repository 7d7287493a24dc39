/**
 * Every entry point the hostile-input suite drives, in one table. A provider webhook route
 * joins by adding one factory here (see ./README.md).
 */
import type { LocalEnv } from '../../support/local.js';
import type { EntryPoint } from './entry-point.js';
import { sendBodyEntryPoint } from './send-body.js';

export interface HostileEnv {
  readonly local: LocalEnv;
}

export const ENTRY_POINTS: readonly ((env: HostileEnv) => EntryPoint<unknown>)[] = [
  (env) => sendBodyEntryPoint('email', env.local) as EntryPoint<unknown>,
  (env) => sendBodyEntryPoint('sms', env.local) as EntryPoint<unknown>,
];
