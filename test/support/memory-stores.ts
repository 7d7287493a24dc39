/**
 * In-memory stand-ins for the messages and suppressions stores, for unit tests of the send
 * orchestration. They enforce the same transition rules as the DynamoDB store
 * (src/store/messages.ts): one transition table (test/support/message-store-transitions.ts)
 * runs against both, on DynamoDB Local and here, so the two cannot drift apart unnoticed.
 */
import type { MessageStatus } from '../../src/contract/records.js';
import {
  type Actor,
  type BeginInput,
  CLAIMABLE_STATUSES,
  type ClaimInput,
  type ClaimResult,
  type ErroredInput,
  type FinalInput,
  type InvalidInput,
  type MessageStorePort,
  type SentInput,
  type StoredMessage,
  TransitionConflictError,
} from '../../src/store/message-record.js';
import type { SuppressionEntry, SuppressionLookup } from '../../src/store/suppressions.js';

type Mutable = Omit<{ -readonly [K in keyof StoredMessage]: StoredMessage[K] }, 'recipients'> & {
  recipients: Record<string, Record<string, unknown>>;
};

const clone = (v: Mutable): StoredMessage => structuredClone(v) as unknown as StoredMessage;

export class MemoryMessageStore implements MessageStorePort {
  readonly items = new Map<string, Mutable>();
  /** Index item status per `${id} ${recipient}`. */
  readonly index = new Map<string, { status: MessageStatus; providerMessageId?: string }>();
  private tokens = 0;

  async get(id: string): Promise<StoredMessage | undefined> {
    const item = this.items.get(id);
    return item ? clone(item) : undefined;
  }

  async begin(input: BeginInput): Promise<{ created: boolean; record: StoredMessage }> {
    const existing = this.items.get(input.id);
    if (existing && existing.error?.code !== 'invalid_message') return { created: false, record: clone(existing) };
    const item: Mutable = {
      id: input.id,
      channel: input.channel,
      provider: input.provider,
      status: 'pending',
      attempts: 0,
      throttles: 0,
      createdAt: input.now,
      updatedAt: input.now,
      recipients: {},
      bodySha256: input.bodySha256,
      ...(input.idDerived ? { idDerived: true } : {}),
      ...(input.tags?.length ? { tags: [...input.tags] } : {}),
      ...(input.metadata ? { metadata: { ...input.metadata } } : {}),
      ...(input.sendAt ? { sendAt: input.sendAt } : {}),
    };
    this.items.set(input.id, item);
    for (const r of new Set(input.recipients)) this.index.set(`${input.id} ${r}`, { status: 'pending' });
    return { created: true, record: clone(item) };
  }

  async claim(id: string, input: ClaimInput): Promise<ClaimResult> {
    const item = this.items.get(id);
    if (!item) throw new TransitionConflictError(id, 'claim', undefined);
    const expired = item.status === 'processing' && (item.leaseExpiresAt ?? '') < input.now;
    if (!CLAIMABLE_STATUSES.includes(item.status) && !expired) return { claimed: false, record: clone(item) };
    const token = `mem-token-${++this.tokens}`;
    Object.assign(item, {
      status: 'processing',
      claimToken: token,
      leaseExpiresAt: input.leaseUntil,
      receiveCount: input.receiveCount,
      updatedAt: input.now,
      attempts: item.attempts + 1,
    });
    return { claimed: true, token, record: clone(item) };
  }

  async markSent(id: string, token: string, input: SentInput): Promise<void> {
    const item = this.holder(id, token, 'markSent');
    Object.assign(item, {
      status: 'sent',
      provider: input.provider,
      sentAt: input.sentAt,
      updatedAt: input.sentAt,
      ...(input.providerMessageId ? { providerMessageId: input.providerMessageId } : {}),
      ...(input.smsSegments !== undefined ? { smsSegments: input.smsSegments } : {}),
      ...(input.smsEncoding ? { smsEncoding: input.smsEncoding } : {}),
      ...(input.ignoredFeatures?.length ? { ignoredFeatures: [...input.ignoredFeatures] } : {}),
    });
    clearClaim(item);
    delete item.error;
    delete item.nextAttemptAt;
    for (const [key, state] of Object.entries(input.recipients)) {
      const existing = item.recipients[key];
      if (!existing) item.recipients[key] = { ...state };
      else if (state.providerMessageId) existing.providerMessageId = state.providerMessageId;
    }
  }

  async markErrored(id: string, token: string, input: ErroredInput): Promise<void> {
    const item = this.holder(id, token, 'markErrored');
    Object.assign(item, {
      status: 'errored',
      error: input.error,
      updatedAt: input.now,
      ...(input.nextAttemptAt ? { nextAttemptAt: input.nextAttemptAt } : {}),
    });
    if (input.throttled) item.throttles += 1;
    clearClaim(item);
    for (const [key, state] of Object.entries(input.recipients ?? {})) item.recipients[key] ??= { ...state };
  }

  markFailed(id: string, actor: Actor, input: FinalInput): Promise<void> {
    return this.finish(id, 'failed', actor, input);
  }

  markCancelled(id: string, actor: Actor, input: FinalInput): Promise<void> {
    return this.finish(id, 'cancelled', actor, input);
  }

  async markDeadLettered(id: string, now: string): Promise<void> {
    const item = this.items.get(id);
    if (item?.status !== 'failed') throw new TransitionConflictError(id, 'markDeadLettered', item && clone(item));
    Object.assign(item, { deadLetteredAt: now, updatedAt: now });
  }

  async syncRecipientIndex(
    id: string,
    recipients: readonly string[],
    status: MessageStatus,
    providerMessageIds: Readonly<Record<string, string>> = {},
  ): Promise<void> {
    for (const r of recipients) {
      const key = `${id} ${r}`;
      if (!this.index.has(key)) continue;
      this.index.set(key, { status, ...(providerMessageIds[r] ? { providerMessageId: providerMessageIds[r] } : {}) });
    }
  }

  async recordInvalid(input: InvalidInput): Promise<{ created: boolean; record: StoredMessage }> {
    const existing = this.items.get(input.id);
    if (existing) return { created: false, record: clone(existing) };
    const item: Mutable = {
      id: input.id,
      channel: input.channel,
      status: 'failed',
      attempts: 0,
      throttles: 0,
      createdAt: input.now,
      updatedAt: input.now,
      recipients: {},
      error: input.error,
      rawBody: input.rawBody,
      bodySha256: input.bodySha256,
      ...(input.idDerived ? { idDerived: true } : {}),
    };
    this.items.set(input.id, item);
    return { created: true, record: clone(item) };
  }

  async reopenRedriven(id: string, deadLetteredAt: string, now: string): Promise<StoredMessage | undefined> {
    const item = this.items.get(id);
    if (item?.status !== 'failed' || item.deadLetteredAt !== deadLetteredAt) return undefined;
    Object.assign(item, { status: 'pending', attempts: 0, throttles: 0, updatedAt: now, redrives: (item.redrives ?? 0) + 1 });
    delete item.error;
    delete item.deadLetteredAt;
    delete item.nextAttemptAt;
    return clone(item);
  }

  /** Test hook: what the tracking pipeline does when an event arrives. */
  trackingEvent(id: string, recipient: string, state: Record<string, unknown>): void {
    this.items.get(id)!.recipients[recipient] = { ...state };
  }

  private holder(id: string, token: string, transition: string): Mutable {
    const item = this.items.get(id);
    if (item?.status !== 'processing' || item.claimToken !== token) throw new TransitionConflictError(id, transition, item && clone(item));
    return item;
  }

  private async finish(id: string, status: 'failed' | 'cancelled', actor: Actor, input: FinalInput): Promise<void> {
    const transition = status === 'failed' ? 'markFailed' : 'markCancelled';
    const item = 'token' in actor ? this.holder(id, actor.token, transition) : this.items.get(id);
    if (!item || (!('token' in actor) && !CLAIMABLE_STATUSES.includes(item.status)))
      throw new TransitionConflictError(id, transition, item && clone(item));
    Object.assign(item, { status, error: input.error, updatedAt: input.now });
    clearClaim(item);
    delete item.nextAttemptAt;
    for (const [key, state] of Object.entries(input.recipients ?? {})) item.recipients[key] ??= { ...state };
  }
}

function clearClaim(item: Mutable): void {
  delete item.claimToken;
  delete item.leaseExpiresAt;
}

export class MemorySuppressions implements SuppressionLookup {
  readonly entries = new Map<string, SuppressionEntry>();
  lookups = 0;

  suppress(address: string, reason: SuppressionEntry['reason'] = 'hardBounce'): this {
    const key = address.toLowerCase();
    this.entries.set(key, {
      address: key,
      reason,
      reasons: [reason],
      firstSuppressedAt: '2030-01-01T00:00:00.000Z',
      lastSuppressedAt: '2030-01-01T00:00:00.000Z',
      count: 1,
    });
    return this;
  }

  async filterSuppressed(addresses: readonly string[]): Promise<Map<string, SuppressionEntry>> {
    this.lookups++;
    const out = new Map<string, SuppressionEntry>();
    for (const a of addresses) {
      const e = this.entries.get(a.toLowerCase());
      if (e) out.set(e.address, e);
    }
    return out;
  }
}
