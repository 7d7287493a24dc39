/**
 * The "Adding a provider" checklist of docs/providers.md, enforced: every registered kind has
 * each part, and is registered under its own name in its own channel's table.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EMAIL_KINDS } from '../../../src/providers/kinds/email.js';
import { SMS_KINDS } from '../../../src/providers/kinds/sms.js';
import type { KindDescriptor } from '../../../src/providers/kinds/types.js';
import { KINDS } from '../../../src/providers/kinds.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const kinds: [string, KindDescriptor][] = Object.entries(KINDS);

describe('KINDS', () => {
  it('holds every kind of both channel tables, each under its own name', () => {
    expect(Object.keys(KINDS).sort()).toEqual([...Object.keys(EMAIL_KINDS), ...Object.keys(SMS_KINDS)].sort());
    for (const [name, kind] of Object.entries(EMAIL_KINDS)) expect([name, kind.kind, kind.channel]).toEqual([name, name, 'email']);
    for (const [name, kind] of Object.entries(SMS_KINDS)) expect([name, kind.kind, kind.channel]).toEqual([name, name, 'sms']);
  });

  it.each(kinds)('%s has every part of the checklist', (name, kind) => {
    // a config fragment that parses an entry without options
    expect(kind.config.safeParse({}).success, `${name}: config fragment`).toBe(true);
    // a secret schema, when present, is a zod schema
    if (kind.secret) expect(typeof kind.secret.safeParse, `${name}: secret schema`).toBe('function');
    expect(typeof kind.createAdapter, `${name}: createAdapter`).toBe('function');
    expect(typeof kind.grants, `${name}: grants`).toBe('function');
    expect(kind.docs, `${name}: docs page`).toBe(`docs/providers/${name}.md`);
    expect(existsSync(`${root}${kind.docs}`), `${root}${kind.docs} exists`).toBe(true);
    expect(existsSync(`${root}src/providers/kinds/${name}/index.ts`), `${name}: its folder holds the descriptor`).toBe(true);
    if (kind.fake) expect(typeof kind.fake, `${name}: fake`).toBe('function');
  });

  it.each(kinds)('%s builds an adapter named after its instance, without a network call', async (name, kind) => {
    const adapter = await kind.createAdapter(
      { name: `${name}-x`, kind: name, options: {} },
      { secrets: { getSecretString: async () => undefined }, aws: { region: 'eu-west-1' } },
    );
    expect(adapter.name).toBe(`${name}-x`);
  });

  it.each(kinds)('%s asks for grants as plain IAM statements', (name, kind) => {
    const ctx = {
      arn: (service: string, resource: string, resourceName: string) =>
        `arn:aws:${service}:eu-west-1:123456789012:${resource}/${resourceName}`,
      partition: 'aws',
      ses: { identities: ['acme.io'], templates: [] },
      email: { allowedFrom: [] },
    };
    const statements = kind.grants({ name, kind: name, options: {} }, ctx);
    expect(statements.length, `${name}: at least one statement`).toBeGreaterThan(0);
    for (const s of statements) {
      expect(s.sid).toMatch(/^[A-Za-z0-9]+$/);
      expect(s.actions.length).toBeGreaterThan(0);
      expect(s.resources.length).toBeGreaterThan(0);
    }
  });
});
