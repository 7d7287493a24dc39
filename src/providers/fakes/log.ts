/** The in-order log of accepted messages behind `GET /_fake/messages`, and the id counter. */
import type { FakeMessage } from './types.js';

export class MessageLog {
  private readonly messages: FakeMessage[] = [];
  private counter = 0;

  /** Deterministic ids: 1, 2, 3... per fake; the fake formats them as its provider does. */
  nextSeq(): number {
    this.counter += 1;
    return this.counter;
  }

  add(message: FakeMessage): void {
    this.messages.push(message);
  }

  list(): readonly FakeMessage[] {
    return this.messages;
  }

  get(id: string): FakeMessage | undefined {
    return this.messages.find((m) => m.id === id);
  }
}
