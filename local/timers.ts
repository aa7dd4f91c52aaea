import type { VirtualClock } from './virtual-clock.ts';

interface Timer {
  due: number;
  seq: number;
  fire: () => void;
}

/** Node's setTimeout cannot wait longer than this; longer timers re-arm. */
const MAX_REAL_DELAY = 2 ** 31 - 1;

/**
 * Timers on the virtual clock. A timer fires once the virtual time reaches its due instant, never
 * before; moving the clock forward fires every timer that became due at once, in deadline order.
 * One real setTimeout is armed for the earliest timer, so time also passes naturally.
 */
export class VirtualTimers {
  private timers: Timer[] = [];
  private seq = 0;
  private armed: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly clock: VirtualClock) {
    clock.onChange(() => this.run());
  }

  /** Calls `fire` when the virtual clock reaches `due`. Returns a cancel function. */
  at(due: Date, fire: () => void): () => void {
    const timer: Timer = { due: due.getTime(), seq: this.seq++, fire };
    this.timers.push(timer);
    this.timers.sort((a, b) => a.due - b.due || a.seq - b.seq);
    this.run();
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
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
            console.error('scheduled job failed', error);
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
    return this.timers.length;
  }

  stop(): void {
    this.stopped = true;
    if (this.armed) clearTimeout(this.armed);
    this.timers = [];
  }

  private run(): void {
    if (this.stopped) return;
    const now = this.clock.now().getTime();
    const due: Timer[] = [];
    while (this.timers[0] && this.timers[0].due <= now) due.push(this.timers.shift()!);
    for (const timer of due) timer.fire();
    this.arm();
  }

  private arm(): void {
    if (this.armed) clearTimeout(this.armed);
    this.armed = undefined;
    const next = this.timers[0];
    if (!next || this.stopped) return;
    const delay = Math.min(MAX_REAL_DELAY, Math.max(0, next.due - this.clock.now().getTime()));
    this.armed = setTimeout(() => this.run(), delay);
    this.armed.unref?.();
  }
}
