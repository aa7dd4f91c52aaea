import { describe, expect, it } from 'vitest';
import { type HeapItem, IndexedHeap } from '#local/timer-heap.ts';

interface Item extends HeapItem {
  due: number;
}

/** A heap whose comparisons are counted: the cost is asserted in comparisons, not time. */
function countingHeap() {
  const counter = { comparisons: 0 };
  const heap = new IndexedHeap<Item>((a, b) => {
    counter.comparisons++;
    return a.due < b.due;
  });
  return { heap, counter };
}

/** Deterministic pseudo-random dues (LCG), so the test is the same on every run. */
function dues(n: number): number[] {
  let x = 12345;
  return Array.from({ length: n }, () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x;
  });
}

describe('IndexedHeap (virtual timers)', () => {
  it('pops in order and removes any item, keeping the order of the rest', () => {
    const { heap } = countingHeap();
    const items = dues(2_000).map((due) => ({ due, heapIndex: -1 }));
    for (const item of items) heap.push(item);
    const removed = new Set(items.filter((_, i) => i % 3 === 0));
    for (const item of removed) expect(heap.remove(item)).toBe(true);
    for (const item of removed) expect(heap.remove(item)).toBe(false);
    const out: number[] = [];
    for (let item = heap.pop(); item; item = heap.pop()) out.push(item.due);
    const expected = items.filter((i) => !removed.has(i)).map((i) => i.due);
    expect(out).toEqual(expected.sort((a, b) => a - b));
    expect(heap.size).toBe(0);
  });

  it('insert, cancel and pop each cost O(log n) comparisons, never a scan of the heap', () => {
    const n = 100_000;
    const log2n = Math.ceil(Math.log2(n)); // 17
    const { heap, counter } = countingHeap();
    const items = dues(n).map((due) => ({ due, heapIndex: -1 }));
    let worst = 0;
    const measure = (op: () => void) => {
      const before = counter.comparisons;
      op();
      worst = Math.max(worst, counter.comparisons - before);
    };
    for (const item of items) measure(() => heap.push(item));
    expect(worst).toBeLessThanOrEqual(log2n);
    // Cancel half of the timers, from everywhere in the heap: each costs at most two per level.
    worst = 0;
    for (let i = 0; i < n; i += 2) measure(() => heap.remove(items[i]!));
    expect(worst).toBeLessThanOrEqual(2 * log2n + 1);
    expect(heap.size).toBe(n / 2);
    worst = 0;
    while (heap.size > 0) measure(() => heap.pop());
    expect(worst).toBeLessThanOrEqual(2 * log2n);
  });
});
