/**
 * Records keyed by the producer: metadata, headers, mergeData, providerOptions, template data.
 *
 * zod's own `z.record` skips a key named `__proto__` (it is neither validated nor kept) and
 * builds its output on a plain `{}`, where a key named `constructor` shadows the prototype's
 * and later trips code that asks an object for its constructor (the DynamoDB marshaller did).
 * Any key must behave like any other key, so this record validates every own key of the input,
 * `__proto__` included, and builds its output without a prototype.
 *
 * The declared `z.record` is kept for the JSON Schema (the producer's guide) and the types.
 */
import * as z from 'zod';

/** An object with no prototype: every key, `__proto__` and `constructor` included, is just a key. */
export type KeyedObject<V> = Record<string, V>;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** A copy of `entries` on an object without a prototype (assigning `__proto__` there makes an own key). */
export function keyedObject<V>(entries: Iterable<readonly [string, V]>): KeyedObject<V> {
  const out = Object.create(null) as KeyedObject<V>;
  for (const [key, value] of entries) out[key] = value;
  return out;
}

/** `z.record(key, value)` that validates and keeps every key (see the module comment). */
export function safeRecord<K extends z.ZodType<string, string>, V extends z.ZodType>(key: K, value: V) {
  const declared = z.record(key, value);
  type Out = KeyedObject<z.output<V>>;
  const parse = z.transform<z.input<typeof declared>, Out>((input, ctx) => {
    if (!isPlainObject(input)) {
      ctx.addIssue({ code: 'invalid_type', expected: 'record', input, message: 'expected an object' });
      return z.NEVER;
    }
    const entries: [string, z.output<V>][] = [];
    let failed = false;
    for (const k of Object.keys(input)) {
      const keyResult = key.safeParse(k);
      if (!keyResult.success) {
        failed = true;
        for (const issue of keyResult.error.issues)
          ctx.addIssue({ code: 'custom', path: [k], message: `key "${k}": ${issue.message}`, input: k });
        continue;
      }
      const valueResult = value.safeParse(input[k]);
      if (!valueResult.success) {
        failed = true;
        for (const issue of valueResult.error.issues)
          ctx.addIssue({ ...issue, path: [k, ...issue.path] } as Parameters<typeof ctx.addIssue>[0]);
        continue;
      }
      entries.push([keyResult.data, valueResult.data as z.output<V>]);
    }
    return failed ? z.NEVER : keyedObject(entries);
  });
  const jsonSchema = z.toJSONSchema(declared, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete jsonSchema['$schema'];
  return z.pipe(parse, z.custom<Out>(isPlainObject).meta(jsonSchema));
}
