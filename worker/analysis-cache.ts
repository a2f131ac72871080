/**
 * @module The isolate's cache of analysis answers (connectivity, diff, exposure), bounded in
 * entries and in characters, least recently used dropped first. Versions are content hashes, so an
 * answer never goes stale; concurrent requests for one key share one computation; a failure is not
 * kept (the next request computes again).
 */

export interface AnalysisAnswer {
  readonly body: string;
  readonly type: string;
  readonly headers: Readonly<Record<string, string>>;
}

interface Entry {
  readonly answer: Promise<AnalysisAnswer>;
  /** Known once the answer is computed. */
  chars: number;
}

export class AnalysisCache {
  private readonly entries = new Map<string, Entry>();
  private chars = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxChars: number,
  ) {}

  /** The cached answer for `key`, or the one `compute` gives (kept when it fits). */
  get(key: string, compute: () => Promise<AnalysisAnswer>): Promise<AnalysisAnswer> {
    const cached = this.entries.get(key);
    if (cached) {
      // Most recently used last: eviction takes from the front.
      this.entries.delete(key);
      this.entries.set(key, cached);
      return cached.answer;
    }
    const entry: Entry = { answer: compute(), chars: 0 };
    this.entries.set(key, entry);
    entry.answer.then(
      (answer) => {
        if (this.entries.get(key) !== entry) return;
        entry.chars = answer.body.length;
        this.chars += entry.chars;
        this.evict();
      },
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    this.evict();
    return entry.answer;
  }

  get size(): number {
    return this.entries.size;
  }

  private evict(): void {
    while (this.entries.size > this.maxEntries || this.chars > this.maxChars) {
      const [key, oldest] = this.entries.entries().next().value!;
      this.entries.delete(key);
      this.chars -= oldest.chars;
    }
  }
}
