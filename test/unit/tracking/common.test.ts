import { describe, expect, it } from 'vitest';
import { toIsoUtc } from '../../../src/contract/timestamp.js';
import { eventIdOf, recipientKeyOf } from '../../../src/tracking/normalizers/common.js';

describe('toIsoUtc', () => {
  it.each([
    ['2017-08-05T00:41:02.669Z', '2017-08-05T00:41:02.669Z'],
    ['2018-10-08T14:05:45 +0000', '2018-10-08T14:05:45.000Z'],
    ['2009-12-03T04:24:21.000-05:00', '2009-12-03T09:24:21.000Z'],
    ['2016-06-28 00:40:34.558', '2016-06-28T00:40:34.558Z'],
    ['2016-06-28T00:40:34.5581234Z', '2016-06-28T00:40:34.558Z'],
    ['2016-06-28T00:40Z', '2016-06-28T00:40:00.000Z'],
    [1467074434558, '2016-06-28T00:40:34.558Z'],
  ] as const)('%j → %s', (input, expected) => {
    expect(toIsoUtc(input)).toBe(expected);
  });

  it.each([['yesterday'], ['2016-13-45T99:99:99Z'], [''], [null], [{}], [Number.NaN], [Number.POSITIVE_INFINITY]])(
    '%j → undefined',
    (input) => {
      expect(toIsoUtc(input)).toBeUndefined();
    },
  );
});

describe('recipientKeyOf', () => {
  it('keys a provider field that holds a recipient', () => {
    expect(recipientKeyOf('"Jane Doe" <Jane@Example.com>')).toBe('jane@example.com');
  });

  it.each([[''], ['   '], ['<>'], [7], [undefined]])('%j → undefined', (input) => {
    expect(recipientKeyOf(input)).toBeUndefined();
  });
});

describe('eventIdOf', () => {
  it('is stable and keeps part boundaries apart', () => {
    expect(eventIdOf(['ses', 'm', 'Bounce', 'f', 'a@b.c'])).toBe(eventIdOf(['ses', 'm', 'Bounce', 'f', 'a@b.c']));
    expect(eventIdOf(['a', 'bc'])).not.toBe(eventIdOf(['ab', 'c']));
    expect(eventIdOf(['a', undefined])).not.toBe(eventIdOf(['a']));
  });
});
