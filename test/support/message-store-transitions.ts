/**
 * The message state machine as a table: every transition from every state, allowed or refused.
 * One suite, run against the DynamoDB store on DynamoDB Local
 * (test/integration/store/messages.test.ts) and against the in-memory store the send unit
 * tests use (test/unit/store/memory-transitions.test.ts), so the stand-in cannot drift from
 * the store it stands in for.
 */
import { describe, expect, it } from 'vitest';
import { type MessageStorePort, TransitionConflictError } from '../../src/store/message-record.js';

export const T0 = '2030-01-01T00:00:00.000Z';
export const PAST = '2029-12-31T23:00:00.000Z';
export const FUTURE = '2030-01-01T01:00:00.000Z';

export const SEED_STATES = ['pending', 'processing-live', 'processing-expired', 'errored', 'sent', 'failed', 'cancelled'] as const;
export type SeedState = (typeof SEED_STATES)[number];

/** A message item in `state`, as both stores hold it (claim token "tok"). */
export function seedItem(id: string, state: SeedState): Record<string, unknown> & { recipients: Record<string, Record<string, unknown>> } {
  const status = state.startsWith('processing') ? 'processing' : state;
  return {
    id,
    channel: 'email',
    provider: 'ses',
    status,
    attempts: 1,
    throttles: 0,
    createdAt: T0,
    updatedAt: T0,
    recipients: {},
    claimToken: 'tok',
    leaseExpiresAt: state === 'processing-expired' ? PAST : FUTURE,
    ...(state === 'failed' ? { deadLetteredAt: T0 } : {}),
  };
}

export interface TransitionSubject {
  readonly store: MessageStorePort;
  /** Puts seedItem(id, state) into the store's storage directly. */
  seed(id: string, state: SeedState): Promise<void>;
  /** The stored item as it is now, for comparing before and after a refused transition. */
  snapshot(id: string): Promise<unknown>;
}

const error = { code: 'x', message: 'x', retryable: false };

export function describeTransitionTable(name: string, subject: () => TransitionSubject): void {
  let seq = 0;
  const newId = (label: string) => `${label}-${++seq}-${Date.now()}`;
  const transitions: Record<string, { allowed: readonly SeedState[]; run: (store: MessageStorePort, id: string) => Promise<unknown> }> = {
    claim: {
      allowed: ['pending', 'errored', 'processing-expired'],
      run: async (store, id) => {
        const r = await store.claim(id, { now: T0, leaseUntil: FUTURE, receiveCount: 1 });
        if (!r.claimed) throw new TransitionConflictError(id, 'claim', r.record);
      },
    },
    'markSent (claim holder)': {
      allowed: ['processing-live', 'processing-expired'],
      run: (store, id) => store.markSent(id, 'tok', { provider: 'ses', recipients: { 'a@example.com': { status: 'sent' } }, sentAt: T0 }),
    },
    'markErrored (claim holder)': {
      allowed: ['processing-live', 'processing-expired'],
      run: (store, id) => store.markErrored(id, 'tok', { error, throttled: false, now: T0 }),
    },
    'markFailed (claim holder)': {
      allowed: ['processing-live', 'processing-expired'],
      run: (store, id) => store.markFailed(id, { token: 'tok' }, { error, now: T0 }),
    },
    'markFailed (unclaimed)': {
      allowed: ['pending', 'errored'],
      run: (store, id) => store.markFailed(id, { unclaimed: true }, { error, now: T0 }),
    },
    'markCancelled (claim holder)': {
      allowed: ['processing-live', 'processing-expired'],
      run: (store, id) => store.markCancelled(id, { token: 'tok' }, { error, now: T0 }),
    },
    'markCancelled (unclaimed)': {
      allowed: ['pending', 'errored'],
      run: (store, id) => store.markCancelled(id, { unclaimed: true }, { error, now: T0 }),
    },
    markDeadLettered: { allowed: ['failed'], run: (store, id) => store.markDeadLettered(id, T0) },
    reopenRedriven: {
      allowed: ['failed'],
      run: async (store, id) => {
        if (!(await store.reopenRedriven(id, T0, T0))) throw new TransitionConflictError(id, 'reopenRedriven', undefined);
      },
    },
  };

  describe(`${name} transitions: every allowed and forbidden one`, () => {
    for (const [transition, t] of Object.entries(transitions)) {
      for (const state of SEED_STATES) {
        const allowed = t.allowed.includes(state);
        it(`${transition} from ${state}: ${allowed ? 'allowed' : 'refused'}`, async () => {
          // Prepare
          const s = subject();
          const id = newId('m');
          await s.seed(id, state);
          const before = await s.snapshot(id);
          // Act
          const outcome = await t.run(s.store, id).then(
            () => 'ok',
            (e: unknown) => e,
          );
          // Assess
          if (allowed) {
            expect(outcome).toBe('ok');
          } else {
            expect(outcome).toBeInstanceOf(TransitionConflictError);
            expect(await s.snapshot(id)).toEqual(before);
          }
        });
      }
    }

    it('refuses a final transition by a worker whose claim was taken over (stale token)', async () => {
      const s = subject();
      const id = newId('stale');
      await s.seed(id, 'processing-expired');
      const takeover = await s.store.claim(id, { now: T0, leaseUntil: FUTURE, receiveCount: 2 });
      expect(takeover.claimed).toBe(true);
      await expect(s.store.markSent(id, 'tok', { provider: 'ses', recipients: {}, sentAt: T0 })).rejects.toBeInstanceOf(
        TransitionConflictError,
      );
      expect((await s.store.get(id))?.status).toBe('processing');
    });
  });
}
