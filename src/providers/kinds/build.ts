/**
 * Builds a send Lambda's adapters from its provider instances (the configuration's, as
 * src/config/lambda-env.ts passed them) through its channel's kind table: each instance's
 * options are checked with its kind's own `config` fragment, then its kind creates the
 * adapter (loading its secret if it has one). Every problem is listed in one ConfigError.
 */
import type { Channel } from '../../contract/message.js';
import { ConfigError } from '../../errors.js';
import type { AdapterContext, KindBase, ProviderInstance } from './types.js';

export async function buildAdapters<A>(
  channel: Channel,
  instances: readonly ProviderInstance[],
  kinds: Readonly<Record<string, KindBase<Channel, A>>>,
  ctx: AdapterContext,
): Promise<A[]> {
  const problems: string[] = [];
  const usable: { instance: ProviderInstance; kind: KindBase<Channel, A> }[] = [];
  for (const instance of instances) {
    const kind = Object.hasOwn(kinds, instance.kind) ? kinds[instance.kind] : undefined;
    if (!kind || kind.channel !== channel) {
      problems.push(
        `provider "${instance.name}": kind "${instance.kind}" does not send ${channel} (known: ${Object.keys(kinds).join(', ')})`,
      );
      continue;
    }
    const options = kind.config.safeParse(instance.options);
    if (options.success) usable.push({ instance, kind });
    else problems.push(...options.error.issues.map((i) => `provider "${instance.name}": ${i.path.join('.') || '(options)'}: ${i.message}`));
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Promise.all(usable.map(({ instance, kind }) => kind.createAdapter(instance, ctx)));
}
