/**
 * `Idempotency-Key`: a retried request with the same key and body gets the
 * stored response instead of being scored again; a retry that arrives while
 * the first is still running waits for it. Only successes are kept.
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { IdempotencyConflict } from './errors.ts';

interface Stored<T> {
  bodyHash: string;
  result: Promise<T>;
}

export interface IdempotencyStore {
  run<T extends object>(key: string, body: unknown, compute: () => Promise<T>): Promise<{ result: T; replayed: boolean }>;
}

const MAX_KEYS = 1_000; // responses can be large: keep the last thousand

export function createIdempotencyStore(ttlMs: number): IdempotencyStore {
  const stored = new LRUCache<string, Stored<object>>({ max: MAX_KEYS, ttl: ttlMs });
  return {
    async run<T extends object>(key: string, body: unknown, compute: () => Promise<T>) {
      const bodyHash = createHash('sha256').update(JSON.stringify(body)).digest('base64');
      const previous = stored.get(key) as Stored<T> | undefined;
      if (previous) {
        if (previous.bodyHash !== bodyHash) throw new IdempotencyConflict(JSON.stringify(key));
        return { result: await previous.result, replayed: true };
      }
      const result = compute();
      stored.set(key, { bodyHash, result });
      try {
        return { result: await result, replayed: false };
      } catch (error) {
        stored.delete(key);
        throw error;
      }
    },
  };
}
