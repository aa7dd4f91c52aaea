import { logger } from '#shared/observability/logger.ts';
import { type HeapItem, IndexedHeap } from './timer-heap.ts';
import type { VirtualClock } from './virtual-clock.ts';

interface Timer extends HeapItem {
  due: number;
  seq: number;
  fire: () => void;
  /** Fired or cancelled: a second cancel, or a cancel after firing, does nothing. */
  done: boolean;
}

/** Node's setTimeout cannot wait longer than this; longer timers re-arm. */
const MAX_REAL_DELAY = 2 ** 31 - 1;

const earlier = (a: Timer, b: Timer) => a.due < b.due || (a.due === b.due && a.seq < b.seq);

/**
 * Timers on the virtual clock. A timer fires once the virtual time reaches its due instant, never
 * before; moving the clock forward fires every timer that became due at once, in deadline order,
 * including timers armed by a firing timer while the move is being processed (they join the same
 * run, in their place). One real setTimeout is armed for the earliest timer, so time also passes
 * naturally. Timers sit in an indexed binary heap: arming, cancelling and firing each cost O(log n)
 * comparisons (test/unit/local/timer-heap.test.ts counts them).
 */
export class VirtualTimers {
  /** Min-heap on (due, seq): ties fire in arming order. */
  private readonly heap = new IndexedHeap<Timer>(earlier);
  private seq = 0;
  private armed: NodeJS.Timeout | undefined;
  private stopped = false;
  private firing = false;

  constructor(private readonly clock: VirtualClock) {
    clock.onChange(() => this.run());
  }

  /**
   * Calls `fire` when the virtual clock reaches `due`; at once if it already has (unless timers are
   * firing now: then in deadline order among them). Returns a cancel function.
   */
  at(due: Date, fire: () => void): () => void {
    const timer: Timer = { due: due.getTime(), seq: this.seq++, fire, done: false, heapIndex: -1 };
    this.heap.push(timer);
    if (timer.due <= this.clock.now().getTime()) this.run();
    // Only a new earliest timer moves the real setTimeout.
    else if (timer.heapIndex === 0 && !this.firing) this.arm();
    return () => {
      if (timer.done) return;
      timer.done = true;
      const wasNext = timer.heapIndex === 0;
      this.heap.remove(timer);
      // The real setTimeout only follows the earliest timer.
      if (wasNext) this.arm();
    };
  }

  /** Resolves after `ms` of virtual time. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.at(new Date(this.clock.now().getTime() + ms), resolve));
  }

  /**
   * Runs `job` every `periodMs` of virtual time, like an EventBridge rate schedule: ticks stay on
   * the period grid whatever the job's run time; a jump over many periods runs it once; a tick
   * that comes while the previous run is still going is skipped (no overlapping runs). The grid
   * starts at `firstDue` (default: one period from now).
   */
  every(
    periodMs: number,
    job: () => Promise<unknown> | unknown,
    options: { firstDue?: Date } = {},
  ): () => void {
    let cancel = () => {};
    let cancelled = false;
    let running = false;
    const schedule = (due: number) => {
      cancel = this.at(new Date(due), () => {
        const now = this.clock.now().getTime();
        const missed = Math.floor((now - due) / periodMs);
        if (!cancelled) schedule(due + (missed + 1) * periodMs);
        if (running) return;
        running = true;
        void (async () => {
          try {
            await job();
          } catch (error) {
            logger.error('scheduled job failed', { error });
          } finally {
            running = false;
          }
        })();
      });
    };
    schedule(options.firstDue?.getTime() ?? this.clock.now().getTime() + periodMs);
    return () => {
      cancelled = true;
      cancel();
    };
  }

  get pending(): number {
    return this.heap.size;
  }

  stop(): void {
    this.stopped = true;
    if (this.armed) clearTimeout(this.armed);
    this.heap.clear();
  }

  /**
   * Fires every due timer, earliest first, reading the clock again after each: a timer armed (or
   * a clock move made) by a firing timer is seen by this same loop, never left for the next move.
   */
  private run(): void {
    if (this.stopped || this.firing) return;
    this.firing = true;
    try {
      for (;;) {
        const next = this.heap.peek();
        if (!next || next.due > this.clock.now().getTime()) break;
        this.heap.pop();
        next.done = true;
        try {
          next.fire();
        } catch (error) {
          logger.error('virtual timer failed', { error });
        }
        if (this.stopped) return;
      }
    } finally {
      this.firing = false;
    }
    this.arm();
  }

  private arm(): void {
    if (this.armed) clearTimeout(this.armed);
    this.armed = undefined;
    const next = this.heap.peek();
    if (!next || this.stopped) return;
    const delay = Math.min(MAX_REAL_DELAY, Math.max(0, next.due - this.clock.now().getTime()));
    this.armed = setTimeout(() => this.run(), delay);
    this.armed.unref?.();
  }
}
