/** Rules that span fields. Each returns problems as `path: message`, all of them at once. */

import { VISIBILITY_TIMEOUT_FACTOR } from '../contract/config-fields.js';
import { KINDS } from '../providers/kinds.js';
import { channelInstances, channelOfKind, providerInstances } from './instances.js';
import type { MailroomConfig, ParsedConfig } from './schema.js';
import { BUILT_IN_INSTANCES } from './sections/providers.js';

/** The in-handler limit each send Lambda instance applies: the account rate shared out. */
export function perInstanceSendRate(ch: { readonly maxSendRate: number; readonly maxConcurrency: number }): number {
  return ch.maxSendRate / ch.maxConcurrency;
}

/** Rules within one section; also run when another section failed, so all problems show at once. */
export function sectionChecks(p: Partial<ParsedConfig>): string[] {
  const problems: string[] = [];
  if (p.send && p.send.backoffBaseSeconds > p.send.backoffMaxSeconds) {
    problems.push(`send.backoffBaseSeconds: ${p.send.backoffBaseSeconds} exceeds send.backoffMaxSeconds (${p.send.backoffMaxSeconds})`);
  }
  if (p.alarms?.email && p.alarms.topicArn) problems.push('alarms: set either email or topicArn, not both');
  if (p.inbound && !p.inbound.enabled && p.inbound.activateRuleSet) problems.push('inbound.activateRuleSet: needs inbound.enabled');
  const price = p.sms?.maxPrice;
  if (price?.default !== undefined && price.ceiling !== undefined && price.default > price.ceiling) {
    problems.push(`sms.maxPrice.default: ${price.default} exceeds sms.maxPrice.ceiling (${price.ceiling})`);
  }
  if (p.sms && !p.sms.deliveryStatus.enabled && p.sms.deliveryStatus.setAccountAttributes) {
    problems.push('sms.deliveryStatus.setAccountAttributes: needs sms.deliveryStatus.enabled');
  }
  for (const [name, builtInKind] of Object.entries(BUILT_IN_INSTANCES)) {
    const entry = p.providers?.[name];
    if (entry && entry.kind !== builtInKind)
      problems.push(`providers.${name}: "${name}" is the built-in ${builtInKind} instance; give a ${entry.kind} instance another name`);
  }
  return problems;
}

/** Rules on the complete configuration. */
export function crossChecks(c: MailroomConfig): string[] {
  return [...sesChecks(c), ...sendChecks(c), ...providerChecks(c)];
}

function sesChecks(c: MailroomConfig): string[] {
  const domains = c.ses.identities.filter((i) => !i.includes('@'));
  const covered =
    domains.some((d) => c.ses.fromDomain === d || c.ses.fromDomain.endsWith(`.${d}`)) ||
    c.ses.identities.some((i) => i.endsWith(`@${c.ses.fromDomain}`));
  return covered ? [] : [`ses.fromDomain: "${c.ses.fromDomain}" is not covered by any of ses.identities (${c.ses.identities.join(', ')})`];
}

function sendChecks(c: MailroomConfig): string[] {
  const problems: string[] = [];
  const minVisibility = VISIBILITY_TIMEOUT_FACTOR * c.send.timeoutSeconds;
  if (c.send.visibilityTimeoutSeconds < minVisibility) {
    problems.push(
      `send.visibilityTimeoutSeconds: ${c.send.visibilityTimeoutSeconds} is below ${VISIBILITY_TIMEOUT_FACTOR} x send.timeoutSeconds (${minVisibility}); SQS would redeliver messages still being sent`,
    );
  }
  for (const ch of ['email', 'sms'] as const) {
    // One full batch at the per-instance rate must fit comfortably in one invocation, or
    // the batch times out and every message in it is retried.
    const rate = perInstanceSendRate(c[ch]);
    const seconds = c[ch].batchSize / rate;
    if (seconds > c.send.timeoutSeconds / 2) {
      problems.push(
        `${ch}.batchSize: ${c[ch].batchSize} messages at ${rate.toFixed(2)}/s per instance take ${seconds.toFixed(1)}s, more than half of send.timeoutSeconds (${c.send.timeoutSeconds}); lower batchSize or maxConcurrency, or raise the timeout`,
      );
    }
  }
  return problems;
}

/** Names exist, kinds match the channel, fallbacks hold no duplicate and not the default (a cycle), secrets where the kind needs one. */
function providerChecks(c: MailroomConfig): string[] {
  const problems: string[] = [];
  const known = new Map(providerInstances(c).map((i) => [i.name, i]));
  for (const ch of ['email', 'sms'] as const) {
    const refer = (path: string, name: string) => {
      const instance = known.get(name);
      if (!instance) problems.push(`${path}: no provider instance "${name}" (configured: ${[...known.keys()].join(', ')})`);
      else if (channelOfKind(instance.kind) !== ch)
        problems.push(
          `${path}: "${name}" is a ${instance.kind} instance, which sends ${channelOfKind(instance.kind) ?? 'nothing'}, not ${ch}`,
        );
    };
    const cfg = c[ch];
    refer(`${ch}.provider`, cfg.provider);
    const seen = new Set<string>();
    cfg.fallback.forEach((name, i) => {
      refer(`${ch}.fallback.${i}`, name);
      if (name === cfg.provider)
        problems.push(`${ch}.fallback.${i}: "${name}" is ${ch}.provider itself; a fallback must be another instance`);
      else if (seen.has(name)) problems.push(`${ch}.fallback.${i}: "${name}" is listed twice`);
      seen.add(name);
    });
    cfg.routes.forEach((route, i) => {
      refer(`${ch}.routes.${i}.provider`, route.provider);
    });
    for (const instance of channelInstances(c, ch)) {
      if (kindNeedsSecret(instance.kind) && instance.secret === undefined) {
        problems.push(
          `providers.${instance.name}.secret: a ${instance.kind} instance needs the Secrets Manager secret holding its credentials`,
        );
      }
    }
  }
  return problems;
}

function kindNeedsSecret(kind: string): boolean {
  return (KINDS as Record<string, { secret?: unknown }>)[kind]?.secret !== undefined;
}
