/**
 * Email send policy: the From address must match one of the configured patterns
 * (`email.allowedFrom`, MAILROOM_EMAIL_ALLOWED_FROM). The same patterns are the IAM
 * `ses:FromAddress` condition on the send role (lib/send-pipeline.ts), so this check gives a
 * named, permanent refusal before SES is called, and IAM stops anything that got past it.
 *
 * Patterns follow IAM `StringLike`, so both layers agree: `*` matches any run of characters
 * (none included), `?` exactly one, everything else literally and case-sensitively
 * (`noreply@acme.io`, `*@notify.acme.io`). Domains are lower-case in our records
 * (src/contract/address.ts), so write patterns with lower-case domains.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String
 * https://docs.aws.amazon.com/ses/latest/dg/control-user-access.html
 */
import { ENV, type RuntimeEnv } from '../../config/runtime.js';
import type { Message } from '../../contract/message.js';
import { type Admission, refusal, type SendPolicy } from './types.js';

export interface EmailPolicyOptions {
  /** Allowed From addresses or patterns; empty allows every From (IAM still scopes identities). */
  readonly allowedFrom: readonly string[];
}

/** IAM StringLike: `*` any run, `?` one character, the rest literal. */
export function stringLike(pattern: string): RegExp {
  const body = [...pattern].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 's');
}

export function emailPolicy(opts: EmailPolicyOptions): SendPolicy {
  const patterns = opts.allowedFrom.map(stringLike);
  return {
    admit(message: Message): Admission {
      if (message.channel !== 'email' || patterns.length === 0) return { ok: true, message };
      const from = message.from.address;
      if (patterns.some((p) => p.test(from))) return { ok: true, message };
      return refusal(
        'from_not_allowed',
        `From ${from} is not one of the allowed senders (email.allowedFrom: ${opts.allowedFrom.join(', ')})`,
      );
    },
  };
}

/** The email policy the environment describes (src/config/lambda-env.ts wrote it from the configuration). */
export function emailPolicyFromEnv(env: RuntimeEnv): SendPolicy {
  return emailPolicy({ allowedFrom: env[ENV.emailAllowedFrom] });
}
