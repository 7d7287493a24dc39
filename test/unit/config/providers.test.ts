/**
 * The docs/contract.md §7 shape: provider instances, channel provider / fallback / routes, and the
 * cross-field rules that tie them together.
 */
import { describe, expect, it } from 'vitest';
import { channelInstances } from '../../../src/config/instances.js';
import { resolveConfig } from '../../../src/config/resolve.js';
import { ConfigError } from '../../../src/errors.js';

function problemsOf(input: unknown): readonly string[] {
  try {
    resolveConfig(input);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('providers', () => {
  it('accepts named instances of known kinds, validated by their kind fragment', () => {
    // Act
    const config = resolveConfig({
      providers: {
        'ses-eu': { kind: 'ses', configurationSet: 'eu-set', secret: 'mailroom/ses-eu' },
        'sns-eu': { kind: 'sns', senderId: 'Acme' },
      },
      email: {
        provider: 'ses-eu',
        fallback: ['ses'],
        routes: [
          { tags: ['billing'], provider: 'ses' },
          { domains: ['acme.io'], provider: 'ses-eu' },
        ],
      },
      sms: { fallback: ['sns-eu'], routes: [{ countries: ['KE', 'NG'], provider: 'sns-eu' }] },
    });

    // Assess
    expect(
      channelInstances(config, 'email')
        .map((i) => i.name)
        .sort(),
    ).toEqual(['ses', 'ses-eu']);
    expect(channelInstances(config, 'email').find((i) => i.name === 'ses-eu')).toEqual({
      name: 'ses-eu',
      kind: 'ses',
      secret: 'mailroom/ses-eu',
      options: { configurationSet: 'eu-set' },
    });
    expect(
      channelInstances(config, 'sms')
        .map((i) => i.name)
        .sort(),
    ).toEqual(['sns', 'sns-eu']);
  });

  it('leaves out a built-in instance the channel does not use', () => {
    // Act
    const config = resolveConfig({ providers: { 'ses-eu': { kind: 'ses' } }, email: { provider: 'ses-eu' } });

    // Assess
    expect(channelInstances(config, 'email').map((i) => i.name)).toEqual(['ses-eu']);
  });

  it('refuses unknown kinds, bad options of a kind, and bad instance names', () => {
    expect(problemsOf({ providers: { acme: { kind: 'carrier-pigeon' } } })).toEqual([
      expect.stringMatching(/^providers\.acme\.kind: unknown provider kind "carrier-pigeon" \(known: ses, sns\)/),
    ]);
    expect(problemsOf({ providers: { eu: { kind: 'ses', configurationSet: 'not valid!' } } })).toEqual([
      expect.stringMatching(/^providers\.eu\.configurationSet: /),
    ]);
    expect(problemsOf({ providers: { eu: { kind: 'sns', senderId: 'A' } } })).toEqual([
      expect.stringMatching(/^providers\.eu\.senderId: 3-11/),
    ]);
    expect(problemsOf({ providers: { eu: { kind: 'ses', region: 'eu-west-1' } } })).toEqual([
      expect.stringMatching(/^providers\.eu: Unrecognized key/),
    ]);
    expect(problemsOf({ providers: { 'Bad Name': { kind: 'ses' } } })).toHaveLength(1);
    expect(problemsOf({ providers: { eu: { kind: 'ses', secret: 'has spaces' } } })).toEqual([
      expect.stringMatching(/^providers\.eu\.secret: /),
    ]);
  });

  it('keeps the built-in names for their own kinds', () => {
    // The redefined instance also breaks email.provider, which names it.
    expect(problemsOf({ providers: { ses: { kind: 'sns' } } })).toEqual([
      expect.stringMatching(/^providers\.ses: "ses" is the built-in ses instance/),
      expect.stringMatching(/^email\.provider: "ses" is a sns instance/),
    ]);
  });
});

describe('provider, fallback and routes', () => {
  it('refuses names that exist nowhere, and instances of the other channel', () => {
    // Act
    const problems = problemsOf({
      email: { provider: 'mailgun', fallback: ['sns'], routes: [{ tags: ['x'], provider: 'nowhere' }] },
      sms: { provider: 'ses' },
    });

    // Assess
    expect([...problems].sort()).toEqual([
      expect.stringMatching(/^email\.fallback\.0: "sns" is a sns instance, which sends sms, not email/),
      expect.stringMatching(/^email\.provider: no provider instance "mailgun"/),
      expect.stringMatching(/^email\.routes\.0\.provider: no provider instance "nowhere"/),
      expect.stringMatching(/^sms\.provider: "ses" is a ses instance, which sends email, not sms/),
    ]);
  });

  it('refuses a fallback that is the default itself (a cycle) or listed twice', () => {
    // Act
    const problems = problemsOf({ providers: { b: { kind: 'ses' } }, email: { fallback: ['b', 'ses', 'b'] } });

    // Assess
    expect(problems).toEqual([
      expect.stringMatching(/^email\.fallback\.1: "ses" is email\.provider itself/),
      expect.stringMatching(/^email\.fallback\.2: "b" is listed twice/),
    ]);
  });

  it('needs tags or domains on an email route, and known regions on an SMS route', () => {
    expect(problemsOf({ email: { routes: [{ provider: 'ses' }] } })).toEqual([
      expect.stringMatching(/^email\.routes\.0: a route needs `tags` or `domains`/),
    ]);
    expect(problemsOf({ sms: { routes: [{ countries: ['XX'], provider: 'sns' }] } })).toEqual([
      expect.stringMatching(/^sms\.routes\.0\.countries\.0: /),
    ]);
    expect(problemsOf({ sms: { routes: [{ countries: [], provider: 'sns' }] } })).toEqual([
      expect.stringMatching(/^sms\.routes\.0\.countries: /),
    ]);
  });
});
