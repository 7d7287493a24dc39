/**
 * Injected failures (`POST /_fake/faults`, docs/contract.md §7). A fault applies to the provider API
 * only, never to `/_fake/*`, so a test can always inspect and clear it.
 *
 * - `count`: the next `count` API requests get it, then it clears itself.
 * - `seconds`: every API request within `seconds` of setting it gets it.
 * - neither: it stays until `DELETE /_fake/faults`.
 * - `status: 0`: the connection is destroyed without a response.
 * - `delayMs`: the request hangs that long first; then `status` applies, or with no status
 *   (or 200) the request is served normally (a slow provider).
 */
import { z } from 'zod';

export const faultSchema = z
  .object({
    status: z.number().int().min(0).max(599).optional(),
    count: z.number().int().positive().optional(),
    seconds: z.number().positive().optional(),
    delayMs: z.number().int().min(0).max(600_000).optional(),
  })
  .refine((f) => f.status !== undefined || f.delayMs !== undefined, { message: 'status or delayMs is required' });
export type FaultSpec = z.infer<typeof faultSchema>;

export interface ActiveFault {
  /** undefined: serve normally after the delay. */
  readonly status?: number;
  readonly delayMs: number;
}

export class Faults {
  private spec: FaultSpec | undefined;
  private remaining = Infinity;
  private until = Infinity;

  constructor(private readonly now: () => number = Date.now) {}

  set(spec: FaultSpec): void {
    this.spec = spec;
    this.remaining = spec.count ?? Infinity;
    this.until = spec.seconds === undefined ? Infinity : this.now() + spec.seconds * 1000;
  }

  clear(): void {
    this.spec = undefined;
  }

  /** The fault this API request gets, if any (consumes one of `count`). */
  take(): ActiveFault | undefined {
    const spec = this.spec;
    if (!spec) return undefined;
    if (this.now() >= this.until || this.remaining <= 0) {
      this.spec = undefined;
      return undefined;
    }
    this.remaining -= 1;
    const status = spec.status === 200 ? undefined : spec.status;
    return { status, delayMs: spec.delayMs ?? 0 };
  }
}
