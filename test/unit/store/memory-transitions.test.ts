/**
 * The in-memory message store (test/support/memory-stores.ts), which the send unit tests run
 * on, held to the same transition table as the DynamoDB store on DynamoDB Local.
 */
import { MemoryMessageStore } from '../../support/memory-stores.js';
import { describeTransitionTable, seedItem } from '../../support/message-store-transitions.js';

const store = new MemoryMessageStore();

describeTransitionTable('MemoryMessageStore', () => ({
  store,
  seed: async (id, state) => {
    store.items.set(id, seedItem(id, state) as never);
  },
  snapshot: async (id) => store.get(id),
}));
