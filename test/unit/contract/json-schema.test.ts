import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { messageJsonSchema } from '../../../src/contract/json-schema.js';

describe('generated JSON Schema', () => {
  it('is committed up to date with the zod schema (run npm run schema)', () => {
    const committed = JSON.parse(readFileSync(new URL('../../../schema/message-v1.schema.json', import.meta.url), 'utf8'));
    expect(committed).toEqual(messageJsonSchema());
  });

  it('describes both channels with their required fields', () => {
    const schema = messageJsonSchema() as { oneOf: { properties: Record<string, unknown>; required: string[] }[] };
    const [emailBranch, smsBranch] = schema.oneOf;
    expect(emailBranch?.required).toEqual(expect.arrayContaining(['channel', 'from']));
    expect(smsBranch?.required).toEqual(expect.arrayContaining(['channel', 'to', 'body']));
    expect(Object.keys(emailBranch?.properties ?? {})).toEqual(expect.arrayContaining(['attachments', 'template', 'mergeData', 'headers']));
  });
});
