/**
 * The Powertools Logger every Lambda uses: JSON lines as usual, with addresses and phone
 * numbers masked in every field (./mask.ts). Built once per container by the handler wiring.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { maskingReplacer } from './mask.js';

export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName, jsonReplacerFn: maskingReplacer });
}
