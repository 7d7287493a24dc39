/**
 * Starts the real local pipeline (src/local/pipeline.ts) on the servers the integration
 * global setup runs, with local.json in a temp folder, and runs the CLI's `main` against it
 * the way `npx mailroom` would from that folder.
 */

import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { type LocalPipeline, startLocalPipeline } from '../../../src/local/pipeline.js';
import { captureIo } from '../../unit/cli/capture.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout's lines parsed as JSON (for --json runs). */
  json<T = Record<string, unknown>>(): T[];
}

export interface PipelineHarness {
  readonly pipeline: LocalPipeline;
  /** The folder holding .mailroom/local.json: the CLI's working directory. */
  readonly cwd: string;
  cli(...args: string[]): Promise<CliRun>;
  stop(): Promise<void>;
}

export async function startPipelineHarness(): Promise<PipelineHarness> {
  // The handlers' Powertools metrics would print EMF lines into the test output.
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  const cwd = mkdtempSync(join(tmpdir(), 'mailroom-e2e-'));
  const pipeline = await startLocalPipeline({
    endpoints: inject('endpoints'),
    prefix: `e${randomUUID().slice(0, 8)}`,
    stateDir: join(cwd, '.mailroom'),
    waitTimeSeconds: 1,
    watchIntervalMs: 100,
    backoff: { baseSeconds: 1, maxSeconds: 2 },
    log: (line) => process.stderr.write(`${line}\n`),
  });
  return {
    pipeline,
    cwd,
    async cli(...args) {
      const io = captureIo(cwd, {});
      const code = await main(args, io);
      const stdout = io.stdout();
      return {
        code,
        stdout,
        stderr: io.stderr(),
        json: <T>() =>
          stdout
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l) as T),
      };
    },
    async stop() {
      await pipeline.stop();
      rmSync(cwd, { recursive: true, force: true });
    },
  };
}
