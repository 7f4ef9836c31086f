/**
 * `Idempotency-Key`: a retried request with the same key and body gets the
 * stored response instead of being scored again; a retry that arrives while
 * the first is still running waits for it. Only successes are kept. Keys are
 * matched within one caller (a digest of its API key), so one caller can
 * neither replay nor block another's keys, and what is kept is bounded per
 * caller: each holds its own last MAX_KEYS answers within its own share of
 * the bytes, so a caller that sends many keys (`verdict score --url`, one per
 * chunk) evicts only its own. All callers together hold at most
 * IDEMPOTENCY_LIMIT_BYTES; past it a new answer is not kept rather than
 * pushing out another caller's.
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { IdempotencyConflict } from './errors.ts';

interface Stored<T> {
  bodyHash: string;
  result: Promise<T>;
  /** What it is counted as, in bytes. */
  bytes: number;
}

export interface IdempotencyStore {
  /** `size(result)`: the bytes a finished result holds, counted against the limits. */
  run<T extends object>(
    caller: string,
    key: string,
    body: unknown,
    compute: () => Promise<T>,
    size: (result: T) => number,
  ): Promise<{ result: T; replayed: boolean }>;
}

export interface IdempotencyLimits {
  /** How long an answer is kept, in ms. */
  ttlMs: number;
  /** All callers' answers together, in bytes. */
  maxBytes: number;
  /**
   * How many callers may hold answers, when only configured keys may score: each gets an equal share of
   * `maxBytes`, so none can be refused room by the others. Unset when anyone may call (no API keys):
   * callers are then self-declared, and each may use all of `maxBytes`.
   */
  callers?: number;
}

/** Answers kept per caller. */
const MAX_KEYS = 1_000;
/**
 * What an entry is counted as at least: a request still running (its size is known once it is done),
 * and a key's own bookkeeping (the key, up to 256 characters, its caller and body hash), in bytes.
 */
const ENTRY_BYTES = 1_024;

export function createIdempotencyStore(limits: IdempotencyLimits): IdempotencyStore {
  const share = Math.floor(limits.maxBytes / Math.max(1, limits.callers ?? 1));
  const byCaller = new Map<string, LRUCache<string, Stored<object>>>();
  let total = 0; // bytes held by every caller, stale entries included until purged

  const cacheOf = (caller: string) => {
    let cache = byCaller.get(caller);
    if (!cache) {
      cache = new LRUCache<string, Stored<object>>({
        max: MAX_KEYS,
        ttl: limits.ttlMs,
        maxSize: share,
        sizeCalculation: (entry) => entry.bytes,
        dispose: (entry) => (total -= entry.bytes),
      });
      byCaller.set(caller, cache);
    }
    return cache;
  };
  const forgetIfEmpty = (caller: string, cache: LRUCache<string, Stored<object>>) => {
    if (cache.size === 0 && byCaller.get(caller) === cache) byCaller.delete(caller);
  };

  /** Keeps `entry` under `caller`'s `key` if it fits: room is made from this caller's own oldest answers only. */
  function keep(caller: string, key: string, entry: Stored<object>): void {
    const cache = cacheOf(caller);
    cache.delete(key);
    if (entry.bytes <= share && total + entry.bytes > limits.maxBytes) {
      for (const [other, theirs] of byCaller) {
        theirs.purgeStale(); // expired answers still count until purged
        if (theirs !== cache) forgetIfEmpty(other, theirs);
      }
      while (total + entry.bytes > limits.maxBytes && cache.size > 0) cache.pop();
    }
    if (entry.bytes <= share && total + entry.bytes <= limits.maxBytes) {
      cache.set(key, entry); // its own LRU evicts its own oldest past MAX_KEYS or its share
      total += entry.bytes;
    }
    forgetIfEmpty(caller, cache);
  }

  return {
    async run<T extends object>(caller: string, key: string, body: unknown, compute: () => Promise<T>, size: (result: T) => number) {
      const bodyHash = createHash('sha256').update(JSON.stringify(body)).digest('base64');
      const previous = byCaller.get(caller)?.get(key) as Stored<T> | undefined;
      if (previous) {
        if (previous.bodyHash !== bodyHash) throw new IdempotencyConflict(JSON.stringify(key));
        return { result: await previous.result, replayed: true };
      }
      const entry: Stored<T> = { bodyHash, result: compute(), bytes: ENTRY_BYTES };
      keep(caller, key, entry);
      const ours = () => byCaller.get(caller)?.peek(key) === entry;
      try {
        const result = await entry.result;
        // Counted at its real size now; an answer larger than the caller's share is not kept.
        if (ours()) keep(caller, key, { bodyHash, result: Promise.resolve(result), bytes: Math.max(ENTRY_BYTES, size(result)) });
        return { result, replayed: false };
      } catch (error) {
        if (ours()) {
          const cache = byCaller.get(caller)!;
          cache.delete(key);
          forgetIfEmpty(caller, cache);
        }
        throw error;
      }
    },
  };
}
