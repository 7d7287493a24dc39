/** What every command's registration function (./commands/*.ts) gets from the program. */
import type { CliIo } from './io.js';
import type { Target } from './target.js';

/** Wraps a command action: resolves the target (--stack or the local pipeline) and always releases its clients. */
export type WithTarget = <A extends unknown[]>(fn: (target: Target, ...args: A) => Promise<void>) => (...args: A) => Promise<void>;

export interface CommandContext {
  readonly io: CliIo;
  readonly withTarget: WithTarget;
}

/** Commander option parser for a repeatable option. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
