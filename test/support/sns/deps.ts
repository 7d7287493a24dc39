/** Test doubles for the SNS module's dependencies: a recording logger and a certificate fetcher. */
import { vi } from 'vitest';
import type { SnsLogger } from '../../../src/tracking/sns/index.js';

export interface LogEntry {
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
  readonly attributes: Record<string, unknown>;
}

export function recordingLogger(): SnsLogger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at =
    (level: LogEntry['level']) =>
    (message: string, ...attributes: Record<string, unknown>[]): void => {
      entries.push({ level, message, attributes: Object.assign({}, ...attributes) as Record<string, unknown> });
    };
  return { entries, info: at('info'), warn: at('warn'), error: at('error') };
}

/** A fetchCertificate that serves `pems` by URL and fails the test's expectations otherwise. */
export function certificateServer(pems: Readonly<Record<string, string>>) {
  return vi.fn(async (url: string): Promise<string> => {
    const pem = pems[url];
    if (pem === undefined) throw new Error(`unexpected certificate fetch: ${url}`);
    return pem;
  });
}

/** The error `fn` throws (fails the test when it returns normally). */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}
