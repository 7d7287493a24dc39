import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { packRaw, RawPayloadFormatError, unpackRaw } from '../../../src/store/raw-codec.js';

const FIXTURES = new URL('../../fixtures/ses/', import.meta.url);
const sesEvents = readdirSync(FIXTURES)
  .filter((f) => f.startsWith('event-'))
  .map((f) => readFileSync(new URL(f, FIXTURES), 'utf8'));

describe('raw payload codec', () => {
  it('gives back exactly the JSON text it packed, for every SES event fixture and for text with astral and control characters', () => {
    // Prepare
    const texts = [
      ...sesEvents.map((t) => JSON.stringify(JSON.parse(t))),
      JSON.stringify({ s: 'hi 😀 \u0000 \u202e x\r\n', n: [1e300, -0] }),
      'null',
      '',
    ];
    // Act / Assess
    for (const text of texts) expect(unpackRaw(packRaw(text))).toBe(text);
  });

  it('packs SES events to well under half their JSON size (the dictionary knows their field names)', () => {
    // Act
    const json = sesEvents.map((t) => Buffer.byteLength(JSON.stringify(JSON.parse(t))));
    const packed = sesEvents.map((t) => packRaw(JSON.stringify(JSON.parse(t))).byteLength);
    // Assess
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    expect(sum(packed) / sum(json)).toBeLessThan(0.4);
  });

  it('names the format in the first byte and refuses one it does not know', () => {
    // Prepare
    const packed = packRaw('{"a":1}');
    // Assess
    expect(packed[0]).toBe(0x01);
    expect(() => unpackRaw(Uint8Array.of(0x02, ...packed.subarray(1)))).toThrow(RawPayloadFormatError);
    expect(() => unpackRaw(new Uint8Array())).toThrow(RawPayloadFormatError);
  });
});
