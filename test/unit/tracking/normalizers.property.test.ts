/**
 * Property tests: no input crashes a normalizer. Whatever arrives (any JSON value, any text,
 * a real SES event with any part replaced by anything), the result is a list of well-formed
 * events, with `unknown` (keeping the raw input) for what could not be understood.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, type NormalizedEvent } from '../../../src/contract/records.js';
import { normalizeSesEvent } from '../../../src/tracking/normalizers/ses.js';
import { sesEventSchema, strictSesEventSchema } from '../../../src/tracking/normalizers/ses-schema.js';
import { normalizeSnsSmsEvent } from '../../../src/tracking/normalizers/sns-sms.js';
import { fixture, fixtureNames, sesCtx, smsCtx } from '../../support/tracking-fixtures.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function assertWellFormed(events: readonly NormalizedEvent[], provider: string, channel: string) {
  for (const e of events) {
    expect(EVENT_TYPES).toContain(e.eventType);
    expect(e.eventId).toMatch(/^[0-9a-f]{32}$/);
    expect(e.timestamp).toMatch(ISO);
    expect(e.provider).toBe(provider);
    expect(e.channel).toBe(channel);
    if (e.recipient !== undefined) expect(e.recipient.length).toBeGreaterThan(0);
    if (e.eventType === 'unknown') expect(e).toHaveProperty('raw');
  }
  expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
}

/** Replaces the values at some paths of `base` with arbitrary values. */
function mutated(base: unknown) {
  const paths: (string | number)[][] = [];
  const walk = (v: unknown, path: (string | number)[]) => {
    paths.push(path);
    if (Array.isArray(v)) for (const [i, x] of v.entries()) walk(x, [...path, i]);
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
  };
  walk(base, []);
  return fc
    .array(fc.tuple(fc.constantFrom(...paths.filter((p) => p.length > 0)), fc.oneof(fc.anything(), fc.constant(undefined))), {
      minLength: 1,
      maxLength: 4,
    })
    .map((edits) => {
      const copy = structuredClone(base) as Record<string | number, unknown>;
      for (const [path, value] of edits) {
        let node: unknown = copy;
        for (const key of path.slice(0, -1))
          node = node && typeof node === 'object' ? (node as Record<string | number, unknown>)[key] : undefined;
        if (node && typeof node === 'object') (node as Record<string | number, unknown>)[path.at(-1)!] = value;
      }
      return copy;
    });
}

const sesFixtures = fixtureNames('ses').map((n) => fixture('ses', n));

describe('normalizeSesEvent never crashes', () => {
  it('on any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (raw) => {
        const events = normalizeSesEvent(raw, sesCtx);
        assertWellFormed(events, 'ses', 'email');
        expect(events.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });

  it('on any value at all (not only JSON) and any text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.string(), fc.json()), (raw) => {
        assertWellFormed(normalizeSesEvent(raw, sesCtx), 'ses', 'email');
      }),
      { numRuns: 500 },
    );
  });

  it('on real SES events with parts replaced by anything; the result is events or unknown, never nothing', () => {
    fc.assert(
      fc.property(fc.constantFrom(...sesFixtures).chain(mutated), (raw) => {
        const events = normalizeSesEvent(raw, sesCtx);
        assertWellFormed(events, 'ses', 'email');
        const type = (raw as { notificationType?: unknown }).notificationType;
        if (type !== 'AmazonSnsSubscriptionSucceeded') expect(events.length).toBeGreaterThan(0);
      }),
      { numRuns: 1500 },
    );
  });

  it('with SES events of any eventType and any recipients', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...sesFixtures),
        fc.oneof(
          fc.string(),
          fc.constantFrom(
            'Bounce',
            'Complaint',
            'Delivery',
            'Open',
            'Click',
            'Send',
            'Reject',
            'Rendering Failure',
            'DeliveryDelay',
            'Subscription',
          ),
        ),
        fc.array(fc.oneof(fc.emailAddress(), fc.string()), { maxLength: 5 }),
        (base, eventType, destination) => {
          const raw = { ...structuredClone(base), eventType, mail: { ...(base['mail'] as object), destination } };
          const events = normalizeSesEvent(raw, sesCtx);
          assertWellFormed(events, 'ses', 'email');
          expect(events.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('normalizeSnsSmsEvent never crashes', () => {
  const smsFixtures = fixtureNames('sns-sms').map((n) => fixture('sns-sms', n));
  it('on any value, and on real log entries with parts replaced by anything', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.json(), fc.constantFrom(...smsFixtures).chain(mutated)), (raw) => {
        const events = normalizeSnsSmsEvent(raw, smsCtx);
        assertWellFormed(events, 'sns', 'sms');
        expect(events.length).toBe(1);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('the strict (fast) and lenient SES schemas agree', () => {
  // parseSesEvent tries the strict schema first and falls back to the lenient one; a field
  // declared differently in the two would change events only for damaged payloads, where
  // nobody would notice. These keep the two in step.
  it('every documented payload takes the fast path', () => {
    for (const raw of sesFixtures) expect(strictSesEventSchema.safeParse(raw).success).toBe(true);
  });

  it('wherever the strict schema accepts a payload, the lenient one reads it the same way', () => {
    fc.assert(
      fc.property(fc.constantFrom(...sesFixtures).chain(mutated), (raw) => {
        const strict = strictSesEventSchema.safeParse(raw);
        const lenient = sesEventSchema.safeParse(raw);
        expect(lenient.success).toBe(true);
        if (strict.success) expect(lenient.data).toEqual(strict.data);
      }),
      { numRuns: 1000 },
    );
  });
});
