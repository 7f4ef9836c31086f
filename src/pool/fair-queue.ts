/**
 * The cells waiting for a worker, one FIFO per caller, taken in turns: a caller
 * who queued 100,000 cells gets a chunk, then the next caller gets one, so one
 * flood never starves the others. Items settled while waiting (a cancelled
 * request) stay where they are and are skipped when their turn comes; the
 * owner says so with `release`, so `length` counts live items only.
 */
import { Deque } from './deque.ts';

export interface Waiting {
  settled: boolean;
}

export class FairQueue<T extends Waiting> {
  private readonly queues = new Map<string, Deque<T>>();
  /** Callers with something queued, in turn order; `turn` is the next one served. */
  private ring: string[] = [];
  private turn = 0;
  private live = 0;

  /** Items waiting and not settled. */
  get length(): number {
    return this.live;
  }

  push(caller: string, items: readonly T[]): void {
    const queue = this.queueOf(caller);
    for (const item of items) queue.push(item);
    this.live += items.length;
  }

  /** Puts items back at the front of their caller's queue, in their order (a chunk given back). */
  unshift(caller: string, items: readonly T[]): void {
    const live = items.filter((item) => !item.settled);
    this.queueOf(caller).unshiftAll(live);
    this.live += live.length;
  }

  /** Waiting items that were settled: they no longer count. */
  release(count: number): void {
    this.live -= count;
  }

  /** Up to `max` live items of the next caller in turn, or none when nothing waits. */
  take(max: number): T[] | undefined {
    while (this.ring.length > 0) {
      if (this.turn >= this.ring.length) this.turn = 0;
      const caller = this.ring[this.turn];
      const queue = this.queues.get(caller)!;
      const items: T[] = [];
      while (items.length < max && queue.length > 0) {
        const item = queue.shift()!;
        if (!item.settled) items.push(item);
      }
      if (queue.length === 0) {
        this.queues.delete(caller);
        this.ring.splice(this.turn, 1); // the next caller moves into this turn
      } else {
        this.turn++;
      }
      if (items.length > 0) {
        this.live -= items.length;
        return items;
      }
    }
    return undefined;
  }

  /** Every live item, leaving the queue empty (closing). */
  drain(): T[] {
    const all: T[] = [];
    for (const queue of this.queues.values()) {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) if (!item.settled) all.push(item);
    }
    this.queues.clear();
    this.ring = [];
    this.live = 0;
    return all;
  }

  private queueOf(caller: string): Deque<T> {
    let queue = this.queues.get(caller);
    if (!queue) {
      this.queues.set(caller, (queue = new Deque<T>()));
      this.ring.push(caller);
    }
    return queue;
  }
}
