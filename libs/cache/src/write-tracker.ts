/** Writes remembered; far more than can be in flight during one database read. */
const CAPACITY = 10_000;

/**
 * Answers "was this user written since I started reading it from the database?", so a read
 * never puts a value into Redis that a concurrent write already replaced (the classic
 * read-populate race). Bounded: when the oldest remembered write is newer than the
 * question's start, it answers yes, which only costs one skipped cache fill.
 */
export class WriteTracker {
  private seq = 0;
  private readonly lastWrite = new Map<number, number>();

  /** Take before reading from the database. */
  mark(): number {
    return this.seq;
  }

  record(id: number): void {
    this.lastWrite.delete(id); // re-insert so Map order stays oldest-first
    this.lastWrite.set(id, ++this.seq);
    if (this.lastWrite.size > CAPACITY) this.lastWrite.delete(this.lastWrite.keys().next().value!);
  }

  writtenSince(id: number, mark: number): boolean {
    if (this.seq === mark) return false;
    const last = this.lastWrite.get(id);
    if (last !== undefined) return last > mark;
    const oldest = this.lastWrite.values().next().value;
    return oldest !== undefined && oldest > mark + 1 && this.lastWrite.size >= CAPACITY;
  }
}
