/**
 * docs/contract.md is the public contract in the repository. It must name every field the
 * message schema accepts (the schema is generated from the zod contract, so a field added in
 * code without a line in the contract fails here), and keep the section numbering of the
 * shared contract it was written from, which sits beside the checkout as ../shared/docs/contract.md
 * on the project's machines.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import jsonSchema from '../../../schema/message-v1.schema.json' with { type: 'json' };

const doc = readFileSync(fileURLToPath(new URL('../../../docs/contract.md', import.meta.url)), 'utf8');
const sharedPath = fileURLToPath(new URL('../../../../shared/docs/contract.md', import.meta.url));

/** `## 7.` / `## 8a.` headings, in order. */
function sectionNumbers(markdown: string): string[] {
  return [...markdown.matchAll(/^## (\d+[a-z]?)\. /gm)].map((m) => m[1] as string);
}

describe('docs/contract.md', () => {
  it('names every field of the message schema, for email and for SMS', () => {
    const variants = jsonSchema.oneOf as ReadonlyArray<{ properties: Record<string, unknown> }>;
    const fields = new Set(variants.flatMap((variant) => Object.keys(variant.properties)));
    expect(fields.size).toBeGreaterThan(20);
    const missing = [...fields].filter((field) => !doc.includes(`\`${field}\``));
    expect(missing).toEqual([]);
  });

  it('keeps the numbering of the shared contract, sections 1 to 10 with 8a', () => {
    const expected = existsSync(sharedPath)
      ? sectionNumbers(readFileSync(sharedPath, 'utf8'))
      : ['1', '2', '3', '4', '5', '6', '7', '8', '8a', '9', '10'];
    expect(sectionNumbers(doc)).toEqual(expected);
  });

  it('says for each v1.1 section what of it is built', () => {
    const sections = doc.split(/^## /m).filter((s) => /\(v1\.1\)/.test(s.split('\n')[0] ?? ''));
    expect(sections.length).toBe(5);
    for (const section of sections) expect(section).toMatch(/\*\*State:\*\*/);
  });
});
