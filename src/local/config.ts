/**
 * The configuration `npm start` runs with (docs/contract.md §7): the `mailroom` key of cdk.json's
 * context, the object `cdk synth` reads, or the JSON file named by `--config FILE` instead.
 * Resolved by the same schema, so a configuration the synth refuses is refused here too.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CONTEXT_KEY, resolveConfig } from '../config/resolve.js';
import type { MailroomConfig } from '../config/schema.js';
import { ConfigError } from '../errors.js';

export interface LocalConfigSource {
  readonly config: MailroomConfig;
  /** Where it came from, for the welcome text. */
  readonly source: string;
}

/** @throws ConfigError when the file cannot be read or the configuration is invalid */
export function readLocalConfig(args: readonly string[], cwd: string): LocalConfigSource {
  const { values } = parseArgs({ args: [...args], options: { config: { type: 'string' } }, strict: true });
  if (values.config !== undefined) {
    const path = resolve(cwd, values.config);
    return { config: resolveConfig(readJson(path)), source: path };
  }
  const cdkJson = resolve(cwd, 'cdk.json');
  const context = (readJson(cdkJson) as { context?: Record<string, unknown> } | undefined)?.context;
  return { config: resolveConfig(context?.[CONTEXT_KEY]), source: `${cdkJson} (context.${CONTEXT_KEY})` };
}

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ConfigError([`${path}: cannot be read (${(cause as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ConfigError([`${path}: is not JSON`]);
  }
}
