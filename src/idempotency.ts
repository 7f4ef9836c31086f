/**
 * `Idempotency-Key`: a retried request with the same key and body gets the
 * stored response instead of being scored again; a retry that arrives while
 * the first is still running waits for it. Only successes are kept. Keys are
 * matched within one caller (a digest of its API key), so one caller can
 * neither replay nor block another's keys; what is kept is bounded by bytes
 * (IDEMPOTENCY_LIMIT_BYTES) as well as by count and age.
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { IdempotencyConflict } from './errors.ts';

interface Stored<T> {
  bodyHash: string;
  result: Promise<T>;
}

export interface IdempotencyStore {
  /** `size(result)`: the bytes a finished result holds, counted against the limit. */
  run<T extends object>(
    caller: string,
    key: string,
    body: unknown,
    compute: () => Promise<T>,
    size: (result: T) => number,
  ): Promise<{ result: T; replayed: boolean }>;
}

const MAX_KEYS = 1_000;
/** What a request still running is counted as: its size is known once it is done, in bytes. */
const RUNNING_BYTES = 1_024;

export function createIdempotencyStore(ttlMs: number, maxBytes: number): IdempotencyStore {
  const stored = new LRUCache<string, Stored<object>>({ max: MAX_KEYS, ttl: ttlMs, maxSize: maxBytes, sizeCalculation: () => RUNNING_BYTES });
  return {
    async run<T extends object>(caller: string, key: string, body: unknown, compute: () => Promise<T>, size: (result: T) => number) {
      const scoped = `${caller}\u0000${key}`;
      const bodyHash = createHash('sha256').update(JSON.stringify(body)).digest('base64');
      const previous = stored.get(scoped) as Stored<T> | undefined;
      if (previous) {
        if (previous.bodyHash !== bodyHash) throw new IdempotencyConflict(JSON.stringify(key));
        return { result: await previous.result, replayed: true };
      }
      const entry: Stored<T> = { bodyHash, result: compute() };
      stored.set(scoped, entry);
      try {
        const result = await entry.result;
        // Counted at its real size now, as a new entry (lru-cache keeps the size of a value set again);
        // an answer larger than the whole limit is not kept.
        if (stored.get(scoped) === entry) stored.set(scoped, { bodyHash, result: Promise.resolve(result) }, { size: Math.max(1, size(result)) });
        return { result, replayed: false };
      } catch (error) {
        if (stored.get(scoped) === entry) stored.delete(scoped);
        throw error;
      }
    },
  };
}
