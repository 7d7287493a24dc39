/**
 * `.mailroom/local.json`: what `npm start` tells everything else (the CLI, scripts, a
 * dashboard) about the running local pipeline. The keys docs/contract.md §6 names are public;
 * the rest (`prefix`, `dlqs`, `topics`, `outbox`, …) are extras the CLI uses and may grow.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import * as z from 'zod';
import { MailroomError } from '../errors.js';

export const STATE_DIR = '.mailroom';
export const STATE_FILE = 'local.json';

export const localStateSchema = z.object({
  region: z.string(),
  endpoints: z.object({ sqs: z.string(), sns: z.string(), dynamodb: z.string(), s3: z.string(), sesv2: z.string() }),
  queues: z.object({ email: z.string(), sms: z.string() }),
  tables: z.object({ messages: z.string(), events: z.string(), inbound: z.string(), suppressions: z.string() }),
  buckets: z.object({ inbound: z.string(), payload: z.string().optional() }),
  /** The aws-ses-v2-local mail viewer. */
  ui: z.string(),
  // Extras beyond the contract.
  prefix: z.string().optional(),
  dlqs: z.object({ email: z.string(), sms: z.string() }).optional(),
  topics: z.object({ sesEvents: z.string(), inbound: z.string().optional() }).optional(),
  /** Key prefix the local "SES receipt rule" stores inbound mail under. */
  inboundObjectPrefix: z.string().optional(),
  /** The local SMS outbox (JSON lines). */
  outbox: z.string().optional(),
  pid: z.number().optional(),
  startedAt: z.string().optional(),
});

export type LocalState = z.output<typeof localStateSchema>;

export class LocalStateError extends MailroomError {}

export function statePath(stateDir: string): string {
  return join(stateDir, STATE_FILE);
}

/** Written atomically (temp file + rename) so a reader never sees half a file. */
export function writeLocalState(stateDir: string, state: LocalState): string {
  mkdirSync(stateDir, { recursive: true });
  const path = statePath(stateDir);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(tmp, path);
  return path;
}

export function removeLocalState(stateDir: string): void {
  rmSync(statePath(stateDir), { force: true });
}

/** Looks for `.mailroom/local.json` in `cwd` and its parents, so the CLI works from any folder of the clone. */
export function findLocalState(cwd: string): string | undefined {
  let dir = resolve(cwd);
  for (;;) {
    const candidate = join(dir, STATE_DIR, STATE_FILE);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export function readLocalState(path: string): LocalState {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new LocalStateError(`${path} is not readable JSON`, { cause });
  }
  const parsed = localStateSchema.safeParse(json);
  if (!parsed.success)
    throw new LocalStateError(
      `${path} is not a Mailroom local.json: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}
