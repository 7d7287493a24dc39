/**
 * IAM for a send Lambda's provider instances: each instance's kind says what it needs
 * (src/providers/kinds/<kind>/index.ts `grants`, plain data), and an instance with a secret
 * may read exactly that secret. Nothing is granted for a provider the channel does not use.
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { channelInstances } from '../src/config/instances.js';
import type { Channel } from '../src/contract/message.js';
import type { GrantContext, GrantStatement, KindDescriptor } from '../src/providers/kinds/types.js';
import { KINDS } from '../src/providers/kinds.js';
import type { MailroomConfig } from './config.js';
import { acknowledge } from './nag.js';

/** The statements one channel's send role needs for its provider instances. */
export function providerStatements(
  scope: Construct,
  config: Pick<MailroomConfig, 'ses' | 'email' | 'sms' | 'providers'>,
  channel: Channel,
): GrantStatement[] {
  const stack = Stack.of(scope);
  const ctx: GrantContext = {
    arn: (service, resource, resourceName) => stack.formatArn({ service, resource, resourceName }),
    partition: stack.partition,
    ses: config.ses,
    email: config.email,
  };
  const kinds: Readonly<Record<string, KindDescriptor>> = KINDS;
  return channelInstances(config, channel).flatMap((instance) => {
    const own = kinds[instance.kind]?.grants(instance, ctx) ?? [];
    return instance.secret === undefined ? own : [...own, secretStatement(stack, instance.name, instance.secret)];
  });
}

/**
 * GetSecretValue on the one secret. A name is matched with the 6 random characters Secrets
 * Manager appends to every secret's ARN (`-??????`), so no other secret matches.
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_iam-policies.html
 */
function secretStatement(stack: Stack, instance: string, secret: string): GrantStatement {
  const arn = secret.startsWith('arn:')
    ? secret
    : stack.formatArn({
        service: 'secretsmanager',
        resource: 'secret',
        resourceName: `${secret}-??????`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
  return { sid: `ReadSecretOf${sidPart(instance)}`, actions: ['secretsmanager:GetSecretValue'], resources: [arn] };
}

/** Why the role needs Resource "*", joined for the function's one IAM5 acknowledgement. */
export function starReasons(statements: readonly GrantStatement[]): string | undefined {
  const reasons = [...new Set(statements.flatMap((s) => (s.starReason ? [s.starReason] : [])))];
  return reasons.length ? reasons.join(' ') : undefined;
}

export function applyStatements(role: iam.IRole, statements: readonly GrantStatement[]): void {
  for (const s of statements) {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: s.sid,
        effect: s.effect === 'Deny' ? iam.Effect.DENY : iam.Effect.ALLOW,
        actions: [...s.actions],
        resources: [...s.resources],
        ...(s.conditions ? { conditions: s.conditions } : {}),
      }),
    );
    for (const ack of s.acknowledge ?? []) acknowledge(role, `AwsSolutions-IAM5[${ack.finding}]`, ack.reason);
  }
}

function sidPart(name: string): string {
  return name.replace(/[^A-Za-z0-9]/g, '');
}
