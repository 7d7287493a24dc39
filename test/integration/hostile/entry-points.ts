/**
 * Every entry point the hostile-input suite drives, in one table. A provider webhook route
 * joins by adding one factory here (see ./README.md).
 */
import type { KeyObject } from 'node:crypto';
import type { LocalEnv } from '../../support/local.js';
import type { EntryPoint } from './entry-point.js';
import { sendBodyEntryPoint } from './send-body.js';
import { trackingEntryPoint } from './tracking-body.js';

export interface HostileEnv {
  readonly local: LocalEnv;
  /** The test certificate SNS bodies are signed with (the verifier trusts it for the test topic). */
  readonly signing: { readonly privateKey: KeyObject; readonly pem: string };
}

export const ENTRY_POINTS: readonly ((env: HostileEnv) => EntryPoint<unknown>)[] = [
  (env) => sendBodyEntryPoint('email', env.local) as EntryPoint<unknown>,
  (env) => sendBodyEntryPoint('sms', env.local) as EntryPoint<unknown>,
  (env) => trackingEntryPoint('sns-subscription', env.local, env.signing) as EntryPoint<unknown>,
  (env) => trackingEntryPoint('https', env.local, env.signing) as EntryPoint<unknown>,
];
