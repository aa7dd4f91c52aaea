import { logger } from '#shared/observability/logger.ts';
import type { VirtualClock } from './virtual-clock.ts';

interface Timer {
  due: number;
  seq: number;
  fire: () => void;
  cancelled: boolean;
}

/** Node's setTimeout cannot wait longer than this; longer timers re-arm. */
const MAX_REAL_DELAY = 2 ** 31 - 1;

const earlier = (a: Timer, b: Timer) => a.due < b.due || (a.due === b.due && a.seq < b.seq);

/**
 * Timers on the virtual clock. A timer fires once the virtual time reaches its due instant, never
 * before; moving the clock forward fires every timer that became due at once, in deadline order,
 * including timers armed by a firing timer while the move is being processed (they join the same
 * run, in their place). One real setTimeout is armed for the earliest timer, so time also passes
 * naturally. Timers sit in a binary heap: arming and firing cost O(log n).
 */
export class VirtualTimers {
  /** Min-heap on (due, seq); cancelled timers stay until they reach the top. */
  private heap: Timer[] = [];
  private live = 0;
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
    const timer: Timer = { due: due.getTime(), seq: this.seq++, fire, cancelled: false };
    this.push(timer);
    this.live++;
    this.run();
    return () => {
      if (timer.cancelled) return;
      timer.cancelled = true;
      this.live--;
      // Cancelled timers leave the heap lazily; rebuild it when they are most of it.
      if (this.heap.length > 64 && this.heap.length > 2 * this.live) this.compact();
      this.arm();
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
    return this.live;
  }

  stop(): void {
    this.stopped = true;
    if (this.armed) clearTimeout(this.armed);
    this.heap = [];
    this.live = 0;
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
        const next = this.heap[0];
        if (!next) break;
        if (next.cancelled) {
          this.pop();
          continue;
        }
        if (next.due > this.clock.now().getTime()) break;
        this.pop();
        this.live--;
        next.cancelled = true;
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
    while (this.heap[0]?.cancelled) this.pop();
    const next = this.heap[0];
    if (!next || this.stopped) return;
    const delay = Math.min(MAX_REAL_DELAY, Math.max(0, next.due - this.clock.now().getTime()));
    this.armed = setTimeout(() => this.run(), delay);
    this.armed.unref?.();
  }

  private compact(): void {
    const kept = this.heap.filter((t) => !t.cancelled);
    this.heap = [];
    for (const timer of kept) this.push(timer);
  }

  private push(timer: Timer): void {
    const heap = this.heap;
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!earlier(timer, heap[parent]!)) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = timer;
  }

  private pop(): Timer | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (!top || !last || heap.length === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && earlier(heap[right]!, heap[left]!) ? right : left;
      if (!earlier(heap[child]!, last)) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
    return top;
  }
}
