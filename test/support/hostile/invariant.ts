/**
 * The one invariant every entry point of the hostile-input suite checks (issue 7): an input
 * ends in exactly one of
 *   - a record in the contract's state (docs/contract.md §2-§4),
 *   - a DLQ entry carrying its reason,
 *   - a refusal that is logged and counted;
 * the handler never throws an error we did not classify, and nothing is silently rewritten
 * (each entry point's `classify` compares what was stored with what was sent).
 */
import { expect } from 'vitest';

export type Outcome =
  | { readonly kind: 'stored'; readonly what: string }
  | { readonly kind: 'dead-lettered'; readonly reason: string }
  | { readonly kind: 'refused'; readonly reason: string };

/** What an entry point saw for one input; `classify` turns it into evidence for `settle`. */
export interface Evidence {
  /** Records in a contract state that this input created or found (ids or keys). */
  readonly stored: readonly string[];
  /** DLQ entries written for this input, with their reason (the error code). */
  readonly deadLettered: readonly { readonly reason?: string }[];
  /** Refusals: what was logged and which counter moved. */
  readonly refused: readonly { readonly logged: boolean; readonly counted: boolean; readonly reason: string }[];
  /** An error the handler threw or reported as "retry me" that no rule classified. */
  readonly unclassified?: unknown;
}

/** Checks the invariant and returns the single outcome; fails the property otherwise. */
export function settle(evidence: Evidence): Outcome {
  if (evidence.unclassified !== undefined) {
    const error = evidence.unclassified;
    throw new Error(`unclassified failure: ${error instanceof Error ? `${error.name}: ${error.message}` : JSON.stringify(error)}`);
  }
  const kinds = [evidence.stored.length > 0, evidence.deadLettered.length > 0, evidence.refused.length > 0].filter(Boolean).length;
  expect(kinds, `exactly one outcome, got ${JSON.stringify(evidence)}`).toBe(1);
  if (evidence.deadLettered.length) {
    const [entry] = evidence.deadLettered;
    expect(entry?.reason, 'a DLQ entry carries its reason').toMatch(/^[a-z_]+$/);
    return { kind: 'dead-lettered', reason: entry!.reason! };
  }
  if (evidence.refused.length) {
    const [refusal] = evidence.refused;
    expect(refusal, 'a refusal is logged and counted').toMatchObject({ logged: true, counted: true });
    return { kind: 'refused', reason: refusal!.reason };
  }
  return { kind: 'stored', what: evidence.stored.join(', ') };
}

/** Tallies outcomes by kind, so a suite can show that its generators reach each of them. */
export class OutcomeTally {
  readonly counts = new Map<string, number>();
  add(outcome: Outcome): Outcome {
    const key = outcome.kind === 'stored' ? 'stored' : `${outcome.kind}:${outcome.reason}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    return outcome;
  }
  kinds(): Set<string> {
    return new Set([...this.counts.keys()].map((k) => k.split(':')[0]!));
  }
}
