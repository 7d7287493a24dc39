/**
 * Logging for the local pipeline: the handlers get a logger with the Powertools method
 * surface (`debug/info/warn/error(message, ...extra)`), printed as one short readable line
 * per entry instead of Lambda's JSON, prefixed with the function it came from. Info and debug
 * only when verbose (`MAILROOM_VERBOSE=1 npm start`); warnings and errors always. Addresses
 * and phone numbers are masked, as in the Lambdas' logs (src/logging/mask.ts).
 */
import { maskText } from '../logging/mask.js';

export type LineSink = (line: string) => void;

export interface LocalLogger {
  debug(message: unknown, ...extra: unknown[]): void;
  info(message: unknown, ...extra: unknown[]): void;
  warn(message: unknown, ...extra: unknown[]): void;
  error(message: unknown, ...extra: unknown[]): void;
}

function render(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value, (_k, v: unknown) => (v instanceof Error ? `${v.name}: ${v.message}` : v));
  } catch {
    return String(value);
  }
}

export function localLogger(name: string, sink: LineSink, verbose: boolean): LocalLogger {
  const line =
    (level: string) =>
    (message: unknown, ...extra: unknown[]) => {
      const rest = extra.filter(
        (e) => e !== undefined && !(typeof e === 'object' && e !== null && !(e instanceof Error) && Object.keys(e).length === 0),
      );
      sink(
        maskText(
          `[${name}] ${level === 'info' ? '' : `${level}: `}${render(message)}${rest.length ? ` ${rest.map(render).join(' ')}` : ''}`,
        ),
      );
    };
  const quiet = () => undefined;
  return {
    debug: verbose ? line('debug') : quiet,
    info: verbose ? line('info') : quiet,
    warn: line('warning'),
    error: line('error'),
  };
}
