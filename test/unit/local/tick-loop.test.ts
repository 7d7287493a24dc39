import { afterEach, describe, expect, it, vi } from 'vitest';
import { TickLoop, TickLoopError } from '../../../src/local/tick-loop.js';

/** A promise and the function that settles it. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('TickLoop', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('ticks at once, then intervalMs after each tick ends', async () => {
    // Prepare
    vi.useFakeTimers();
    let ticks = 0;
    const loop = new TickLoop({ tick: async () => void ticks++, intervalMs: 100 });

    // Act
    loop.start();
    await vi.advanceTimersByTimeAsync(0);
    const afterStart = ticks;
    await vi.advanceTimersByTimeAsync(250);
    await loop.stop();

    // Assess
    expect(afterStart).toBe(1);
    expect(ticks).toBe(3);
  });

  it('never overlaps ticks: the next one waits for a slow tick to end', async () => {
    // Prepare
    vi.useFakeTimers();
    const slow = deferred();
    let running = 0;
    let maxRunning = 0;
    let ticks = 0;
    const loop = new TickLoop({
      tick: async () => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        ticks++;
        if (ticks === 1) await slow.promise;
        running--;
      },
      intervalMs: 10,
    });

    // Act
    loop.start();
    await vi.advanceTimersByTimeAsync(1000);
    const whileSlow = ticks;
    slow.resolve();
    await vi.advanceTimersByTimeAsync(15);
    await loop.stop();

    // Assess
    expect(whileSlow).toBe(1);
    expect(ticks).toBe(2);
    expect(maxRunning).toBe(1);
  });

  it('reports a failing tick to onError and keeps going', async () => {
    // Prepare
    vi.useFakeTimers();
    const errors: unknown[] = [];
    let ticks = 0;
    const loop = new TickLoop({
      tick: async () => {
        ticks++;
        if (ticks === 1) throw new Error('store unreachable');
      },
      intervalMs: 10,
      onError: (e) => errors.push(e),
    });

    // Act
    loop.start();
    await vi.advanceTimersByTimeAsync(15);
    await loop.stop();

    // Assess
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toBe('store unreachable');
    expect(ticks).toBe(2);
  });

  it('stop() waits for the running tick and nothing ticks afterwards', async () => {
    // Prepare
    const gate = deferred();
    let finished = false;
    let ticks = 0;
    const loop = new TickLoop({
      tick: async () => {
        ticks++;
        await gate.promise;
        finished = true;
      },
      intervalMs: 1,
    });
    loop.start();

    // Act
    const stopped = loop.stop();
    gate.resolve();
    await stopped;
    await new Promise((r) => setTimeout(r, 20));

    // Assess
    expect(finished).toBe(true);
    expect(ticks).toBe(1);
  });

  it('refuses to start twice (two loops would overlap)', () => {
    // Prepare
    const loop = new TickLoop({ tick: async () => undefined, intervalMs: 1000 });
    loop.start();

    // Act / Assess
    expect(() => loop.start()).toThrow(TickLoopError);
    return loop.stop();
  });
});
