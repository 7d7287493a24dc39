/**
 * CDK app entry (cdk.json: `npx tsx bin/app.ts`). Configuration: the `mailroom` key of the
 * CDK context (cdk.json, or `-c mailroom='{...}'`); see src/config/schema.ts. A configuration
 * problem prints every problem found and exits 1, without a stack trace.
 */
import { createMailroomApp } from '../lib/app.js';
import { ConfigError } from '../src/errors.js';

try {
  createMailroomApp().app.synth();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
