/**
 * `mailroom inbound show` as a person reads it: bodies moved to S3 are put back, and what a
 * sender wrote (filenames, Subject, body) can never drive the reader's terminal.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundRecord } from '../../../src/contract/records.js';
import { type PipelineHarness, startPipelineHarness } from './harness.js';

let h: PipelineHarness;

beforeAll(async () => {
  h = await startPipelineHarness();
});
afterAll(async () => {
  await h?.stop();
});

/** C0/C1 controls and bidi overrides: none may reach a terminal raw. */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

async function receive(file: string, ...flags: string[]): Promise<string> {
  const run = await h.cli('inbound', 'receive', file, '--to', 'support@example.com', ...flags);
  expect(run.code, run.stderr).toBe(0);
  return run.stdout.trim();
}

describe('inbound show', () => {
  it('prints hostile filenames and subjects escaped, cut to the table width, verdicts in SES order', async () => {
    // Prepare
    const fixture = readFileSync(new URL('../../fixtures/mime/hostile-filenames.eml', import.meta.url), 'utf8');
    writeFileSync(join(h.cwd, 'hostile.eml'), fixture.replace('Subject: Files', 'Subject: =?UTF-8?Q?=1B[2Jinvoice=E2=80=AEfdp.exe?='));
    const id = await receive('hostile.eml', '--verdict', 'virus=FAIL');

    // Act
    const run = await h.cli('inbound', 'show', id);

    // Assess
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).not.toMatch(RAW_CONTROL);
    expect(run.stdout).toContain('subject     \\x1b[2Jinvoice\\u202efdp.exe');
    expect(run.stdout).toContain('evil\\x0d\\x0aX-Injected: yes\\x07\\x00.txt');
    expect(run.stdout).toMatch(/^verdicts +spam PASS, virus FAIL, spf PASS, dkim PASS, dmarc PASS$/m);
    expect(run.stdout).toContain(`${'a'.repeat(59)}…`);
    expect(run.stdout).not.toContain('a'.repeat(61));
    expect(run.stdout.match(/\(QUARANTINED\)/g)).toHaveLength(4);
  });

  it('puts bodies that were moved to S3 back, in the human view and in --json', async () => {
    // Prepare: a text body past the item budget (300 KB), so ingestion moves it to S3.
    const text = `${'Long line of a very long mail. '.repeat(12_000)}THE END`;
    const eml = [
      'From: big@example.org',
      'To: support@example.com',
      'Subject: big body',
      'Content-Type: text/plain; charset=utf-8',
      '',
      text,
      '',
    ].join('\r\n');
    writeFileSync(join(h.cwd, 'big.eml'), eml);
    const id = await receive('big.eml');

    // Act
    const human = await h.cli('inbound', 'show', id);
    const json = await h.cli('inbound', 'show', id, '--json');
    const [record] = json.json<InboundRecord>();

    // Assess
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/^bodies +s3:\/\/.+\/bodies\/.+\.json$/m);
    expect(human.stdout).toContain('Long line of a very long mail. Long line');
    expect(human.stdout).toMatch(/…\[\d+ more characters\]/);
    expect(record!.bodies).toEqual({ bucket: h.pipeline.state.buckets.payload, key: `bodies/${id}.json` });
    expect(record!.text?.trimEnd()).toBe(text);
  });
});
