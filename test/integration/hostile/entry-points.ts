/**
 * Every entry point the hostile-input suite drives, in one table. A provider webhook route
 * joins with one more row (see ./README.md).
 */
import type { KeyObject } from 'node:crypto';
import type { LocalEnv } from '../../support/local.js';
import type { EntryPoint } from './entry-point.js';
import { inboundEntryPoint } from './inbound.js';
import { sendBodyEntryPoint } from './send-body.js';
import { trackingEntryPoint } from './tracking-body.js';

export interface HostileEnv {
  readonly local: LocalEnv;
  /** The test certificate SNS bodies are signed with (the verifier trusts it for the test topic). */
  readonly signing: { readonly privateKey: KeyObject; readonly pem: string };
}

export interface EntryPointRow {
  readonly name: string;
  create(env: HostileEnv): EntryPoint<unknown>;
}

const row = <I>(name: string, create: (env: HostileEnv) => EntryPoint<I>): EntryPointRow => ({
  name,
  create: create as (env: HostileEnv) => EntryPoint<unknown>,
});

export const ENTRY_POINTS: readonly EntryPointRow[] = [
  row('SQS send body (email)', (env) => sendBodyEntryPoint('email', env.local)),
  row('SQS send body (SMS)', (env) => sendBodyEntryPoint('sms', env.local)),
  row('SNS tracking body (SNS subscription)', (env) => trackingEntryPoint('sns-subscription', env.local, env.signing)),
  row('SNS tracking body (HTTPS)', (env) => trackingEntryPoint('https', env.local, env.signing)),
  row('SNS/S3 inbound notification and MIME', (env) => inboundEntryPoint(env.local)),
];
