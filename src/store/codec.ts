/**
 * JavaScript values ⇄ DynamoDB AttributeValues, safe for keys we did not choose.
 *
 * Message metadata, SES message tags and mail headers are keyed by producers and by whoever
 * sends us mail. @aws-sdk/util-dynamodb decides what a value is by asking it for its
 * `constructor`, so an object with a key named `constructor` is "Unsupported type passed:
 * [object Object]" (or, with a value shaped `{name: "String"}`, silently a string), and it
 * builds maps on a plain `{}` where a key named `__proto__` replaces the prototype instead of
 * being stored. Here a map is any plain or prototype-less object (or a Map), its own keys are
 * read with Object.keys, and maps come back without a prototype, so every key is just a key.
 *
 * Same conventions as the DocumentClient with `removeUndefinedValues`: undefined entries are
 * dropped, Sets become string/number sets, numbers must be finite and safe integers or plain
 * decimals.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { MailroomError } from '../errors.js';

export class MarshallError extends MailroomError {}

type Native = unknown;

function nullProto<V>(): Record<string, V> {
  return Object.create(null) as Record<string, V>;
}

function isMap(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function marshallNumber(n: number): AttributeValue {
  if (!Number.isFinite(n)) throw new MarshallError(`number ${n} cannot be stored`);
  if (Number.isInteger(n) && !Number.isSafeInteger(n)) throw new MarshallError(`number ${n} is beyond the safe integer range`);
  return { N: String(n) };
}

function marshallSet(set: ReadonlySet<unknown>): AttributeValue {
  const values = [...set].filter((v) => v !== undefined);
  if (values.length === 0) throw new MarshallError('an empty set cannot be stored');
  if (values.every((v) => typeof v === 'string')) return { SS: values as string[] };
  if (values.every((v) => typeof v === 'number')) return { NS: values.map((v) => marshallNumber(v as number).N!) };
  throw new MarshallError('a set must hold only strings or only numbers');
}

/** Map entries (own keys of an object, or a Map's entries) without undefined values. */
export function marshallMap(entries: Iterable<readonly [string, Native]>): Record<string, AttributeValue> {
  const out = nullProto<AttributeValue>();
  for (const [key, value] of entries) if (value !== undefined) out[key] = marshallValue(value);
  return out;
}

export function marshallValue(value: Native): AttributeValue {
  if (value === null) return { NULL: true };
  switch (typeof value) {
    case 'string':
      return { S: value };
    case 'number':
      return marshallNumber(value);
    case 'boolean':
      return { BOOL: value };
    case 'bigint':
      return { N: value.toString() };
    case 'object':
      break;
    default:
      throw new MarshallError(`a ${typeof value} cannot be stored`);
  }
  if (Array.isArray(value)) return { L: value.filter((v) => v !== undefined).map(marshallValue) };
  if (value instanceof Set) return marshallSet(value);
  if (value instanceof Map) return { M: marshallMap(value as Map<string, Native>) };
  if (value instanceof Uint8Array) return { B: value };
  if (isMap(value)) return { M: marshallMap(Object.keys(value).map((k) => [k, (value as Record<string, Native>)[k]])) };
  throw new MarshallError(`an instance of ${Object.prototype.toString.call(value)} cannot be stored`);
}

/** An item or a map of values: each own entry marshalled, undefined dropped. */
export function marshallItem(item: Readonly<Record<string, Native>>): Record<string, AttributeValue> {
  return marshallMap(Object.keys(item).map((k) => [k, item[k]]));
}

export function unmarshallValue(av: AttributeValue): Native {
  if (av.S !== undefined) return av.S;
  if (av.N !== undefined) return Number(av.N);
  if (av.BOOL !== undefined) return av.BOOL;
  if (av.NULL !== undefined) return null;
  if (av.M !== undefined) return unmarshallItem(av.M);
  if (av.L !== undefined) return av.L.map(unmarshallValue);
  if (av.SS !== undefined) return new Set(av.SS);
  if (av.NS !== undefined) return new Set(av.NS.map(Number));
  if (av.B !== undefined) return av.B;
  if (av.BS !== undefined) return new Set(av.BS);
  throw new MarshallError(`unknown attribute value type ${Object.keys(av).join(',')}`);
}

/** A map of attribute values as an object without a prototype. */
export function unmarshallItem(item: Readonly<Record<string, AttributeValue>>): Record<string, Native> {
  const out = nullProto<Native>();
  for (const key of Object.keys(item)) out[key] = unmarshallValue(item[key]!);
  return out;
}
