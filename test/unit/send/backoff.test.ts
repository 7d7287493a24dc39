import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffCap, backoffSeconds } from '../../../src/send/backoff.js';

const config = { baseSeconds: 30, maxSeconds: 900 };

describe('backoff', () => {
  it('doubles the cap per retry from the base up to the max', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffCap(n, config))).toEqual([30, 60, 120, 240, 480, 900, 900]);
  });

  it('spreads waits over the whole range (full jitter) with a 1 s floor', () => {
    expect(backoffSeconds(3, config, () => 0)).toBe(1);
    expect(backoffSeconds(3, config, () => 0.5)).toBe(61);
    expect(backoffSeconds(3, config, () => 0.999_999)).toBe(120);
  });

  it('always gives whole seconds within [1, cap] for any retry number and configuration', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -5, max: 10_000 }),
        fc.integer({ min: 1, max: 3600 }),
        fc.integer({ min: 1, max: 43_200 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (retry, baseSeconds, maxSeconds, r) => {
          const cfg = { baseSeconds, maxSeconds };
          const s = backoffSeconds(retry, cfg, () => r);
          expect(Number.isInteger(s)).toBe(true);
          expect(s).toBeGreaterThanOrEqual(1);
          expect(s).toBeLessThanOrEqual(Math.max(1, Math.min(maxSeconds, backoffCap(retry, cfg))));
        },
      ),
    );
  });

  it('never lets the cap decrease as retries grow', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 100 }), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(backoffCap(lo, config)).toBeLessThanOrEqual(backoffCap(hi, config));
      }),
    );
  });
});
