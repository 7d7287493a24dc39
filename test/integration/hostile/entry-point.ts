/**
 * One entry point of the hostile-input suite: how to generate its inputs, how to feed one to
 * the real handler, and how to read what happened as evidence for the shared invariant
 * (test/support/hostile/invariant.ts). A new entry point (a provider's webhook route) is one
 * more object of this shape in ./entry-points.ts; see ./README.md.
 */
import type fc from 'fast-check';
import type { Evidence } from '../../support/hostile/invariant.js';

export interface EntryPoint<I, Seen = any> {
  // eslint-disable-line @typescript-eslint/no-explicit-any
  readonly name: string;
  readonly arbitrary: fc.Arbitrary<I>;
  /** Feeds one input to the real handler; resolves with what it observed (never throws for a handled input). */
  run(input: I): Promise<Seen>;
  /** Turns the observation into evidence: stored records, DLQ entries with reasons, refusals, or an unclassified failure. */
  classify(input: I, seen: Seen): Evidence;
}
