/**
 * Every store sends its items through ./src/store/document.ts (the codec that keeps
 * prototype-named keys), never through lib-dynamodb's own marshalling: a store importing a
 * command from '@aws-sdk/lib-dynamodb' would bring back issue 7's vanishing messages.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const storeDir = fileURLToPath(new URL('../../../src/store/', import.meta.url));

describe('store modules', () => {
  it('take their DynamoDB commands from document.ts only', () => {
    const offenders = readdirSync(storeDir)
      .filter((f) => f.endsWith('.ts') && f !== 'document.ts')
      .filter((f) =>
        /import\s+\{[^}]*\b(Put|Get|Update|Delete|Query|Scan|TransactWrite|TransactGet|BatchGet|BatchWrite)Command\b[^}]*\}\s+from\s+'@aws-sdk\/lib-dynamodb'/.test(
          readFileSync(join(storeDir, f), 'utf8'),
        ),
      );
    expect(offenders).toEqual([]);
  });
});
