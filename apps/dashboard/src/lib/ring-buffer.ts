/**
 * A fixed-capacity FIFO: pushing past capacity overwrites the oldest entry, so memory stays flat
 * however long the page runs (live charts, log tails).
 */
export class RingBuffer<T> {
  private readonly items: (T | undefined)[];
  private start = 0;
  private size = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`capacity must be a positive integer, got ${capacity}`);
    this.items = new Array<T | undefined>(capacity);
  }

  get length(): number {
    return this.size;
  }

  /** Adds an item; returns how many old items were dropped to make room (0 or 1). */
  push(item: T): number {
    const end = (this.start + this.size) % this.capacity;
    this.items[end] = item;
    if (this.size < this.capacity) {
      this.size++;
      return 0;
    }
    this.start = (this.start + 1) % this.capacity;
    return 1;
  }

  at(index: number): T | undefined {
    if (index < 0 || index >= this.size) return undefined;
    return this.items[(this.start + index) % this.capacity];
  }

  last(): T | undefined {
    return this.at(this.size - 1);
  }

  clear(): void {
    this.items.fill(undefined);
    this.start = 0;
    this.size = 0;
  }

  /** Oldest first. */
  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.size; i++) out.push(this.items[(this.start + i) % this.capacity] as T);
    return out;
  }
}
