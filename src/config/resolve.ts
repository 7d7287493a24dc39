/**
 * Resolves the configuration: the raw `mailroom` value (an object, or a JSON string when
 * given with `-c`), deep-merged with overrides, parsed section by section with the schema,
 * completed with the defaults that depend on other fields, and checked across fields. Every
 * problem is collected and thrown as ONE ConfigError, so a user fixes their configuration in
 * one round.
 */

import { VISIBILITY_TIMEOUT_FACTOR } from '../contract/config-fields.js';
import { ConfigError } from '../errors.js';
import { crossChecks, sectionChecks } from './checks.js';
import { configSchema, type MailroomConfig, type MailroomConfigInput, type ParsedConfig, type SectionName } from './schema.js';

/** The CDK context key (and `npm start` cdk.json key) holding the configuration object. */
export const CONTEXT_KEY = 'mailroom';

const SECTIONS = configSchema.shape;

/** @throws ConfigError listing every problem found */
export function resolveConfig(raw: unknown, overrides: MailroomConfigInput = {}): MailroomConfig {
  const problems: string[] = [];
  const merged = deepMerge(readObject(raw, problems), overrides as Record<string, unknown>);
  for (const key of Object.keys(merged)) {
    if (!(key in SECTIONS)) problems.push(`${key}: unknown configuration key (expected one of ${Object.keys(SECTIONS).join(', ')})`);
  }
  const parsed: Partial<ParsedConfig> = {};
  for (const name of Object.keys(SECTIONS) as SectionName[]) {
    const result = SECTIONS[name].safeParse(merged[name]);
    if (result.success) (parsed as Record<string, unknown>)[name] = result.data;
    else problems.push(...result.error.issues.map((i) => `${[name, ...i.path].join('.')}: ${i.message}`));
  }
  problems.push(...sectionChecks(parsed));
  const complete = (Object.keys(SECTIONS) as SectionName[]).every((name) => parsed[name] !== undefined);
  const config = complete ? completeConfig(parsed as ParsedConfig) : undefined;
  if (config) problems.push(...crossChecks(config));
  if (problems.length > 0 || !config) throw new ConfigError(problems);
  return config;
}

function readObject(value: unknown, problems: string[]): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value === 'string') {
    try {
      return readObject(JSON.parse(value), problems);
    } catch (cause) {
      problems.push(`${CONTEXT_KEY}: context value is not JSON (${(cause as Error).message})`);
      return {};
    }
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    problems.push(`${CONTEXT_KEY}: must be an object`);
    return {};
  }
  return value as Record<string, unknown>;
}

/** Fills the defaults that depend on other fields. */
function completeConfig(p: ParsedConfig): MailroomConfig {
  return {
    ...p,
    ses: { ...p.ses, identities: p.ses.identities ?? [p.ses.fromDomain], configurationSetName: p.ses.configurationSetName ?? p.stackName },
    send: { ...p.send, visibilityTimeoutSeconds: p.send.visibilityTimeoutSeconds ?? VISIBILITY_TIMEOUT_FACTOR * p.send.timeoutSeconds },
    inbound: {
      ...p.inbound,
      recipients: p.inbound.recipients ?? [p.ses.fromDomain],
      ruleSetName: p.inbound.ruleSetName ?? `${p.stackName}-inbound`,
    },
  };
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    if (v === undefined) continue;
    const prev = out[k];
    out[k] = isPlainObject(prev) && isPlainObject(v) ? deepMerge(prev, v) : v;
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
