/** An item of an IndexedHeap: the heap keeps its position there, -1 once it has left. */
export interface HeapItem {
  heapIndex: number;
}

/**
 * A binary min-heap whose items know their position, so removing any item (a cancelled timer) costs
 * O(log n) comparisons like insert and pop, instead of a linear search or a lazy mark that leaves
 * dead entries to be swept later. `before(a, b)`: a comes out first.
 */
export class IndexedHeap<T extends HeapItem> {
  private items: T[] = [];

  constructor(private readonly before: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    this.items.push(item);
    this.up(item, this.items.length - 1);
  }

  pop(): T | undefined {
    const top = this.items[0];
    if (top) this.removeAt(0);
    return top;
  }

  /** Takes `item` out wherever it is; false if it was not in the heap. */
  remove(item: T): boolean {
    const i = item.heapIndex;
    if (i < 0 || this.items[i] !== item) return false;
    this.removeAt(i);
    return true;
  }

  clear(): void {
    for (const item of this.items) item.heapIndex = -1;
    this.items = [];
  }

  private removeAt(i: number): void {
    const items = this.items;
    const removed = items[i]!;
    const last = items.pop()!;
    removed.heapIndex = -1;
    if (last === removed) return;
    // The last item fills the hole, then moves up or down to its place.
    if (i > 0 && this.before(last, items[(i - 1) >> 1]!)) this.up(last, i);
    else this.down(last, i);
  }

  private up(item: T, from: number): void {
    const items = this.items;
    let i = from;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const above = items[parent]!;
      if (!this.before(item, above)) break;
      items[i] = above;
      above.heapIndex = i;
      i = parent;
    }
    items[i] = item;
    item.heapIndex = i;
  }

  private down(item: T, from: number): void {
    const items = this.items;
    let i = from;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child = right < items.length && this.before(items[right]!, items[left]!) ? right : left;
      const below = items[child]!;
      if (!this.before(below, item)) break;
      items[i] = below;
      below.heapIndex = i;
      i = child;
    }
    items[i] = item;
    item.heapIndex = i;
  }
}
