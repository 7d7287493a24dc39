import { describe, expect, it } from 'vitest';
import { FAKES, isFakeKind } from '../../../../src/providers/fakes/index.js';

describe('FAKES registry', () => {
  it('starts every kind on a loopback port with a working control API, and stops it', async () => {
    expect(Object.keys(FAKES).sort()).toEqual(['mailgun', 'postmark', 'resend', 'sendgrid', 'smtp']);
    for (const [kind, start] of Object.entries(FAKES)) {
      const fake = await start({ instance: kind });
      try {
        expect(fake.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        const res = await fetch(`${fake.baseUrl}/_fake/messages`);
        expect(await res.json()).toEqual([]);
        expect(Object.keys(fake.credentials).length).toBeGreaterThan(0);
      } finally {
        await fake.stop();
      }
    }
  });

  it('knows which kinds have a fake', () => {
    expect(isFakeKind('mailgun')).toBe(true);
    expect(isFakeKind('ses')).toBe(false);
    expect(isFakeKind('toString')).toBe(false);
  });
});
