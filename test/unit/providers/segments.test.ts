import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countSegments, isGsm7 } from '../../../src/providers/sms/segments.js';

const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENDED = '\f^{}\\[~]|€';

describe('countSegments', () => {
  it('fits 160 GSM-7 characters in one part and starts a second at 161', () => {
    expect(countSegments('a'.repeat(160))).toEqual({ encoding: 'GSM-7', segments: 1, units: 160 });
    expect(countSegments('a'.repeat(161))).toEqual({ encoding: 'GSM-7', segments: 2, units: 161 });
    expect(countSegments('a'.repeat(306))).toEqual({ encoding: 'GSM-7', segments: 2, units: 306 });
    expect(countSegments('a'.repeat(307))).toEqual({ encoding: 'GSM-7', segments: 3, units: 307 });
  });

  it('counts extension characters as two septets', () => {
    expect(countSegments('€'.repeat(80))).toEqual({ encoding: 'GSM-7', segments: 1, units: 160 });
    expect(countSegments(`${'a'.repeat(159)}€`)).toEqual({ encoding: 'GSM-7', segments: 2, units: 161 });
  });

  it('never splits an escape pair across parts', () => {
    // 152 septets, then € (2 septets) would straddle the 153 boundary: it moves to part 2.
    const body = `${'a'.repeat(152)}€${'a'.repeat(10)}`;
    const result = countSegments(body);
    expect(result.units).toBe(164);
    expect(result.segments).toBe(2);
    // 152 + 2 + 152 septets: the escape pushes part 2 past 153 → 3 parts, where naive ceil(306/153) says 2.
    expect(countSegments(`${'a'.repeat(152)}€${'a'.repeat(152)}`).segments).toBe(3);
  });

  it('switches to UCS-2 for any character outside GSM 03.38', () => {
    expect(countSegments('Привет')).toEqual({ encoding: 'UCS-2', segments: 1, units: 6 });
    expect(countSegments('x'.repeat(70).replace(/x$/, 'ç'))).toEqual({ encoding: 'UCS-2', segments: 1, units: 70 });
    expect(countSegments('ж'.repeat(71))).toEqual({ encoding: 'UCS-2', segments: 2, units: 71 });
    expect(countSegments('ж'.repeat(134))).toEqual({ encoding: 'UCS-2', segments: 2, units: 134 });
    expect(countSegments('ж'.repeat(135))).toEqual({ encoding: 'UCS-2', segments: 3, units: 135 });
  });

  it('counts surrogate pairs as two code units and keeps them whole', () => {
    expect(countSegments('😀'.repeat(35))).toEqual({ encoding: 'UCS-2', segments: 1, units: 70 });
    // 66 units then an emoji (2 units) would straddle the 67 boundary.
    const body = `${'ж'.repeat(66)}😀${'ж'.repeat(5)}`;
    expect(countSegments(body)).toEqual({ encoding: 'UCS-2', segments: 2, units: 73 });
  });

  it('treats the whole GSM basic and extension tables as GSM-7', () => {
    expect(isGsm7(GSM_BASIC + GSM_EXTENDED)).toBe(true);
    expect(countSegments(GSM_BASIC).units).toBe([...GSM_BASIC].length);
    expect(countSegments(GSM_EXTENDED).units).toBe(2 * [...GSM_EXTENDED].length);
  });

  describe('properties', () => {
    const gsmChar = fc.constantFrom(...[...GSM_BASIC], ...[...GSM_EXTENDED]);
    const gsmBody = fc.array(gsmChar, { maxLength: 700 }).map((cs) => cs.join(''));

    it('GSM-7 units are one septet per basic and two per extension character', () => {
      fc.assert(
        fc.property(gsmBody, (body) => {
          const ext = [...body].filter((c) => GSM_EXTENDED.includes(c)).length;
          const result = countSegments(body);
          expect(result.encoding).toBe('GSM-7');
          expect(result.units).toBe([...body].length + ext);
          if (result.units <= 160) expect(result.segments).toBe(1);
          else {
            expect(result.segments).toBeGreaterThanOrEqual(Math.ceil(result.units / 153));
            // Padding from unsplittable pairs costs at most one septet per part.
            expect(result.segments).toBeLessThanOrEqual(Math.ceil(result.units / 152));
          }
        }),
      );
    });

    it('any non-GSM character makes the body UCS-2 counted in UTF-16 units', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.constantFrom('ж', '中', '😀', 'ç'), (prefix, odd) => {
          const body = prefix + odd;
          const result = countSegments(body);
          expect(result.encoding).toBe('UCS-2');
          expect(result.units).toBe(body.length);
          if (result.units <= 70) expect(result.segments).toBe(1);
          else {
            expect(result.segments).toBeGreaterThanOrEqual(Math.ceil(result.units / 67));
            expect(result.segments).toBeLessThanOrEqual(Math.ceil(result.units / 66));
          }
        }),
      );
    });

    it('appending a character never lowers the count, and nothing crashes it', () => {
      fc.assert(
        fc.property(fc.string({ maxLength: 400 }), fc.string({ minLength: 1, maxLength: 2 }), (body, more) => {
          const before = countSegments(body);
          const after = countSegments(body + more);
          expect(before.segments).toBeGreaterThanOrEqual(1);
          if (before.encoding === after.encoding) expect(after.segments).toBeGreaterThanOrEqual(before.segments);
        }),
      );
    });
  });
});
