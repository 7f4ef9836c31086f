/**
 * A bounded memo for values that recur over a run of training (segment
 * counts of phrases, word scores, prompt languages): two generations of at
 * most `perGeneration` entries each. A full generation becomes the previous
 * one and the one before is dropped; an entry read from the previous
 * generation moves to the current one, so what keeps recurring survives
 * without the bookkeeping of a least-recently-used list.
 */
export class TwoGenerationCache<V> {
  private current = new Map<string, V>();
  private previous = new Map<string, V>();

  constructor(private readonly perGeneration: number) {}

  get(key: string): V | undefined {
    const known = this.current.get(key);
    if (known !== undefined) return known;
    const older = this.previous.get(key);
    if (older !== undefined) this.set(key, older);
    return older;
  }

  set(key: string, value: V): void {
    if (this.current.size >= this.perGeneration) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(key, value);
  }

  clear(): void {
    this.current = new Map();
    this.previous = new Map();
  }
}
