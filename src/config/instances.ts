/**
 * The provider instances of a resolved configuration: the `providers` entries plus the
 * built-in `ses` and `sns` instances, whose options come from the `ses` and `sms` sections.
 */
import type { Channel } from '../contract/message.js';
import type { ProviderInstance } from '../providers/kinds/types.js';
import { KINDS } from '../providers/kinds.js';
import type { MailroomConfig } from './schema.js';
import { kindOptions } from './sections/providers.js';

export function providerInstances(config: Pick<MailroomConfig, 'providers' | 'ses' | 'sms'>): ProviderInstance[] {
  const builtIn: ProviderInstance[] = [
    { name: 'ses', kind: 'ses', options: { configurationSet: config.ses.configurationSetName } },
    {
      name: 'sns',
      kind: 'sns',
      options: {
        ...(config.sms.senderId ? { senderId: config.sms.senderId } : {}),
        ...(config.sms.originationNumber ? { originationNumber: config.sms.originationNumber } : {}),
      },
    },
  ];
  const configured = Object.entries(config.providers).map(
    ([name, entry]): ProviderInstance => ({
      name,
      kind: entry.kind,
      ...(entry.secret !== undefined ? { secret: entry.secret } : {}),
      ...(entry.live !== undefined ? { live: entry.live } : {}),
      options: kindOptions(entry),
    }),
  );
  return [...builtIn.filter((b) => !(b.name in config.providers)), ...configured];
}

/** The channel of an instance's kind; undefined for an unknown kind. */
export function channelOfKind(kind: string): Channel | undefined {
  return (KINDS as Record<string, { channel: Channel }>)[kind]?.channel;
}

/**
 * The instances one channel's send Lambda builds and is granted: those the channel uses (its
 * `provider`, `fallback` and routes) and every configured entry of the channel's kinds (a
 * message may name any of them). A built-in instance the channel does not use is left out,
 * so an email channel sending through another kind gets no SES permission.
 */
export function channelInstances(
  config: Pick<MailroomConfig, 'providers' | 'ses' | 'sms' | 'email'>,
  channel: Channel,
): ProviderInstance[] {
  const cfg = config[channel];
  const used = new Set([cfg.provider, ...cfg.fallback, ...cfg.routes.map((r) => r.provider)]);
  return providerInstances(config).filter((i) => channelOfKind(i.kind) === channel && (used.has(i.name) || i.name in config.providers));
}
