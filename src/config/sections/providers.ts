/**
 * `providers` (docs/contract.md §7): named provider instances, `{ <name>: { kind, secret?, live?,
 * ...options } }`. Each kind's options are checked by the fragment its descriptor contributes
 * (src/providers/kinds/<kind>/config.ts), so this file never changes when a kind is added.
 */
import * as z from 'zod';
import type { KindDescriptor } from '../../providers/kinds/types.js';
import { instanceName } from './channels.js';

/** A Secrets Manager secret name or ARN (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html). */
export const secretReference = z
  .string()
  .regex(/^(arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:)?[A-Za-z0-9/_+=.@-]{1,512}$/, 'a Secrets Manager secret name or ARN');

/** The instance names that exist without an entry, and their kinds. */
export const BUILT_IN_INSTANCES = { ses: 'ses', sns: 'sns' } as const;

const common = { kind: z.string().min(1), secret: secretReference.optional(), live: z.boolean().optional() };

/** One instance's entry: the common fields, then the rest checked by its kind's fragment. */
export function providerEntry(kinds: Readonly<Record<string, KindDescriptor>>) {
  return z.looseObject(common).superRefine((entry, ctx) => {
    const descriptor = kinds[entry.kind];
    if (!descriptor) {
      ctx.addIssue({
        code: 'custom',
        path: ['kind'],
        message: `unknown provider kind "${entry.kind}" (known: ${Object.keys(kinds).join(', ')})`,
      });
      return;
    }
    const result = descriptor.config.safeParse(kindOptions(entry));
    if (!result.success)
      for (const issue of result.error.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  });
}

/** The entry without the fields every kind shares: what the kind's `config` fragment validates. */
export function kindOptions(entry: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { kind: _kind, secret: _secret, live: _live, ...options } = entry;
  return options;
}

export function providersSection(kinds: Readonly<Record<string, KindDescriptor>>) {
  return z.record(instanceName, providerEntry(kinds)).default({}).meta({
    description:
      'provider instances by name: `{kind, secret?, live?, ...options of the kind}`; `ses` and `sns` are built in. See docs/providers.md',
    shape: 'object',
  });
}
export type ProviderEntry = z.output<ReturnType<typeof providerEntry>>;
