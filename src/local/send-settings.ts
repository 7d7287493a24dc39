/**
 * The local send handlers' settings, produced exactly as a deployed send Lambda's are: the
 * resolved configuration goes through the same environment mapping (src/config/lambda-env.ts)
 * and is parsed back by the same runtime schema, so local and deployed run the same policy,
 * retries, backoff and rate.
 */

import { channelInstances } from '../config/instances.js';
import { sendEnvironment } from '../config/lambda-env.js';
import { ENV, readRuntimeEnv } from '../config/runtime.js';
import type { MailroomConfig } from '../config/schema.js';
import type { Channel } from '../contract/message.js';
import { emailPolicyFromEnv } from '../send/policy/email.js';
import { smsPolicyFromEnv } from '../send/policy/sms.js';
import type { SendPolicy } from '../send/policy/types.js';

export interface LocalSendSettings {
  readonly defaultProvider: string;
  readonly maxSendRate: number;
  readonly maxReceiveCount: number;
  readonly backoff: { readonly baseSeconds: number; readonly maxSeconds: number };
  readonly ignoreUnsupportedFeatures: boolean;
  readonly policy: SendPolicy;
  /** Instance names served by the local stand-in of the channel's AWS kind (`local` included). */
  readonly standInNames: readonly string[];
}

/** Kinds whose local stand-in is built in (aws-ses-v2-local for `ses`, the SMS outbox for `sns`). */
const STAND_IN_KIND: Record<Channel, string> = { email: 'ses', sms: 'sns' };

export function localSendSettings(
  config: MailroomConfig,
  channel: Channel,
  tables: { messages: string; suppressions: string },
): LocalSendSettings {
  const env = readRuntimeEnv({
    [ENV.messagesTable]: tables.messages,
    [ENV.suppressionsTable]: tables.suppressions,
    ...sendEnvironment(config, channel),
  });
  const instances = channelInstances(config, channel)
    .filter((i) => i.kind === STAND_IN_KIND[channel])
    .map((i) => i.name);
  return {
    defaultProvider: env[ENV.defaultProvider] ?? STAND_IN_KIND[channel],
    maxSendRate: env[ENV.maxSendRate] ?? config[channel].maxSendRate,
    maxReceiveCount: env[ENV.maxReceiveCount],
    backoff: { baseSeconds: env[ENV.backoffBaseSeconds], maxSeconds: env[ENV.backoffMaxSeconds] },
    ignoreUnsupportedFeatures: env[ENV.ignoreUnsupportedFeatures],
    policy: channel === 'email' ? emailPolicyFromEnv(env) : smsPolicyFromEnv(env),
    standInNames: [...new Set(['local', STAND_IN_KIND[channel], ...instances])],
  };
}
