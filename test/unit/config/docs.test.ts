/** The configuration reference in the README is the one generated from the schema. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configReferenceRows, withConfigReference } from '../../../src/config/docs.js';
import { configSchema } from '../../../src/config/schema.js';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

describe('configuration reference', () => {
  it('is up to date in the README (run `npm run config-docs`)', () => {
    expect(readme).toBe(withConfigReference(readme));
  });

  it('documents every section, each field with a meaning', () => {
    const rows = configReferenceRows();
    for (const section of Object.keys(configSchema.shape))
      expect(
        rows.some((r) => r.startsWith(`| \`${section}`)),
        section,
      ).toBe(true);
    for (const row of rows) expect(row, row).not.toMatch(/\| \|$/);
  });
});
