/**
 * `providerOptions` (Anymail's esp_extra) checks shared by adapters: each adapter declares
 * the keys it passes on and a zod shape for each; any other key, or a value its shape
 * refuses, is an unsupported feature (dropped, and named, under ignoreUnsupportedFeatures).
 */
import type * as z from 'zod';
import type { FeatureUse } from './features.js';

/** providerOptions keys an adapter does not take (or with bad values) are unsupported features. */
export function providerOptionUses<M extends { readonly providerOptions?: Readonly<Record<string, unknown>> }>(
  m: M,
  shapes: Readonly<Record<string, z.ZodType<string>>>,
): FeatureUse<M>[] {
  const uses: FeatureUse<M>[] = [];
  for (const [key, value] of Object.entries(m.providerOptions ?? {})) {
    // Own keys only: a key named after an Object.prototype member (`constructor`) is unknown too.
    const shape = Object.hasOwn(shapes, key) ? shapes[key] : undefined;
    const problem = !shape ? 'not an option this adapter passes on' : shape.safeParse(value).success ? undefined : 'invalid value';
    if (problem) {
      uses.push({
        feature: `providerOptions.${key} (${problem})`,
        drop: (x) => ({ ...x, providerOptions: Object.fromEntries(Object.entries(x.providerOptions ?? {}).filter(([k]) => k !== key)) }),
      });
    }
  }
  return uses;
}
