/**
 * The polling loop of the local watchers (SES store, SMS outbox): runs `tick` now and then
 * `intervalMs` after each tick ENDS, so ticks never overlap however slow one is. A tick that
 * throws is reported to `onError` and the loop goes on (the next tick retries). `stop()`
 * cancels the next tick and waits for a running one to finish, so nothing runs afterwards.
 */
import { MailroomError } from '../errors.js';

export class TickLoopError extends MailroomError {}

export interface TickLoopOptions {
  readonly tick: () => Promise<void>;
  readonly intervalMs: number;
  readonly onError?: (error: unknown) => void;
}

export class TickLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private started = false;
  private stopped = false;

  constructor(private readonly opts: TickLoopOptions) {}

  start(): void {
    if (this.started) throw new TickLoopError('loop already started');
    this.started = true;
    const loop = async (): Promise<void> => {
      if (this.stopped) return;
      this.running = this.opts.tick().catch((error: unknown) => this.opts.onError?.(error));
      await this.running;
      if (!this.stopped) this.timer = setTimeout(() => void loop(), this.opts.intervalMs);
    };
    void loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
