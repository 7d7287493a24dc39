/**
 * Hostile-input generators (fast-check) shared by every entry point of the property suite
 * (test/integration/hostile/README.md): prototype-named keys at any depth, astral characters,
 * lone surrogates, bidi and control characters, CR/LF, NUL, sizes at and just past every limit,
 * wrong types and deep nesting. Entry points combine these with a valid skeleton of their own
 * input, so most cases get past the first check and reach storage.
 */
import fc from 'fast-check';

/** Names an object inherits from Object.prototype, plus `__proto__` itself. */
export const PROTOTYPE_KEYS = [
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__defineGetter__',
  '__lookupGetter__',
] as const;

/** The limits the contract and AWS set; generators produce sizes at and just past each. */
export const LIMITS = {
  /** SQS message body (bytes). */
  sqsBody: 1024 * 1024,
  /** DynamoDB item (bytes). */
  dynamoItem: 400 * 1024,
  /** SES v2 message size (bytes), raw MIME included. */
  sesMessage: 40 * 1024 * 1024,
  /** Recipients across to, cc and bcc. */
  recipients: 50,
  /** SMS body (characters). */
  smsBody: 1600,
  /** Metadata key length. */
  metadataKey: 128,
  /** Metadata as JSON (bytes): what keeps message and event items far below DynamoDB's 400 KB. */
  metadataBytes: 10 * 1024,
} as const;

const ASTRAL = ['😀', '𝒜', '🏳️‍🌈', '𠜎'];
const LONE_SURROGATES = ['\uD800', '\uDFFF', '\uDBFF'];
const BIDI = ['\u202E', '\u202D', '\u2066', '\u2069', '\u200F', '\u061C'];
const CONTROL = ['\u0000', '\r', '\n', '\r\n', '\t', '\u0007', '\u001B', '\u007F', '\u0085', '\u2028', '\uFEFF'];

/** One character (or short sequence) that breaks naive text handling. */
export const hostileChar = fc.constantFrom(...ASTRAL, ...LONE_SURROGATES, ...BIDI, ...CONTROL);

/** Text mixing ordinary characters with hostile ones. */
export const hostileText = (maxLength = 40) =>
  fc
    .array(fc.oneof({ weight: 3, arbitrary: fc.string({ maxLength: 4, unit: 'grapheme' }) }, { weight: 2, arbitrary: hostileChar }), {
      maxLength,
    })
    .map((parts) => parts.join(''));

/** A key: prototype-named most often, else hostile or ordinary text. */
export const hostileKey = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...PROTOTYPE_KEYS) },
  { weight: 2, arbitrary: hostileText(12).filter((k) => k.length > 0) },
  { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 10 }) },
);

/** Scalars as metadata takes them (string, finite number, boolean). */
export const scalar = fc.oneof(hostileText(20), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean());

/** Values of the wrong type for almost any field. */
export const wrongType = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.constant([]),
  fc.constant({}),
  fc.array(fc.integer(), { maxLength: 3 }),
  // biome-ignore lint/correctness/noPrecisionLoss: the overflow is the point: 1e309 parses to Infinity
  fc.constant(1e309 /* Infinity is not JSON: becomes null */),
  fc.string({ maxLength: 5 }),
);

/** JSON values whose objects have hostile keys at any depth. */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(hostileKey, tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** A flat object with hostile keys and scalar values: metadata, headers, tags as maps. */
export const hostileRecord = <T>(value: fc.Arbitrary<T>, maxKeys = 5) => fc.dictionary(hostileKey, value, { maxKeys });

/** An object nested `levels` deep under prototype-named keys. */
export const deepNesting = fc.integer({ min: 30, max: 200 }).chain((levels) =>
  fc.constantFrom(...PROTOTYPE_KEYS).map((key) => {
    let value: unknown = 'bottom';
    for (let i = 0; i < levels; i++) value = { [key]: value };
    return value;
  }),
);

/** A length at, just under or just past `limit`. */
export const aroundLimit = (limit: number) => fc.constantFrom(limit - 1, limit, limit + 1);

/** A string of exactly `length` UTF-16 units of one character (a byte size for ASCII). */
export const sized = (length: number, char = 'x') => char.repeat(length);

/** JSON text with `__proto__` and friends written as own keys, as a producer's JSON would carry them. */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value);
}

/** fast-check parameters every property uses: a fixed seed unless FUZZ_SEED says otherwise, FUZZ_RUNS runs. */
export function fuzzParameters(defaultRuns: number): fc.Parameters<unknown> {
  const runs = Number(process.env['FUZZ_RUNS'] ?? defaultRuns);
  const seed = Number(process.env['FUZZ_SEED'] ?? 7007);
  return { numRuns: Number.isFinite(runs) && runs > 0 ? runs : defaultRuns, seed, endOnFailure: true };
}
