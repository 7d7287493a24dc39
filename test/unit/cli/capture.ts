/** A CliIo that records what the CLI wrote, for tests. */
import type { CliIo } from '../../../src/cli/io.js';

export interface CapturedIo extends CliIo {
  readonly stdout: () => string;
  readonly stderr: () => string;
}

export function captureIo(cwd: string, env: NodeJS.ProcessEnv = {}): CapturedIo {
  let out = '';
  let err = '';
  return {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    cwd,
    env,
    stdout: () => out,
    stderr: () => err,
  };
}
