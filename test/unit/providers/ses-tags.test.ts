import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MESSAGE_ID_PATTERN } from '../../../src/contract/message.js';
import { decodeTagValue, encodeTagValue, isValidTag, MESSAGE_ID_TAG, TAG_MAX_LENGTH } from '../../../src/providers/email/ses-tags.js';

describe('SES tag value encoding', () => {
  it('leaves letters, digits and dashes unchanged', () => {
    // Prepare
    const uuid = '0b6f1c2e-4d6a-4b7e-9f3a-2c1d5e6f7a8b';
    // Act
    const encoded = encodeTagValue(uuid);
    // Assess
    expect(encoded).toBe(uuid);
    expect(decodeTagValue(encoded)).toBe(uuid);
  });

  it('escapes the characters our ids may hold that SES refuses', () => {
    expect(encodeTagValue('derived:Ab_c.d')).toBe('derived_cAb__c_dd');
    expect(decodeTagValue('derived_cAb__c_dd')).toBe('derived:Ab_c.d');
    expect(encodeTagValue('é €')).toBe('_xC3_xA9_x20_xE2_x82_xAC');
  });

  it('refuses values it cannot have produced', () => {
    for (const bad of ['a_', '_q', '_x4', '_xZZ', 'a b', 'a.b', '_xC3']) expect(decodeTagValue(bad)).toBeUndefined();
  });

  it('round-trips any well-formed string and only emits characters SES accepts', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (value) => {
        const encoded = encodeTagValue(value);
        expect(encoded).toMatch(/^[A-Za-z0-9_-]*$/);
        expect(decodeTagValue(encoded)).toBe(value);
      }),
    );
  });

  it('fits every contract message id into one SES tag value', () => {
    const idChar = fc.constantFrom(...'abcXYZ019._:-'.split(''));
    fc.assert(
      fc.property(
        fc.array(idChar, { minLength: 1, maxLength: 128 }).map((cs) => cs.join('')),
        (id) => {
          expect(id).toMatch(MESSAGE_ID_PATTERN);
          const encoded = encodeTagValue(id);
          expect(encoded.length).toBeLessThanOrEqual(TAG_MAX_LENGTH);
          expect(isValidTag(encoded)).toBe(true);
          expect(decodeTagValue(encoded)).toBe(id);
        },
      ),
    );
    // The worst case, 128 escaped characters, is exactly the SES limit.
    expect(encodeTagValue(':'.repeat(128))).toHaveLength(256);
  });

  it('never throws on arbitrary tag values from other senders', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        const decoded = decodeTagValue(value);
        expect(decoded === undefined || typeof decoded === 'string').toBe(true);
      }),
    );
  });

  it('names the id tag with characters SES accepts', () => {
    expect(isValidTag(MESSAGE_ID_TAG)).toBe(true);
  });
});
