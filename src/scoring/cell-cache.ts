/**
 * Identity of a cell, and the LRU that remembers outcomes across requests.
 * Two cells with the same key get the same score: rule@version, params and
 * every input the rule can read are in the key. The LRU is bounded by
 * entries (CACHE_SIZE) and by bytes (CACHE_LIMIT_BYTES): an entry larger
 * than the whole cache is not kept.
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { CellOutcome } from '../pool/protocol.ts';
import type { Leaf } from '../registry/registry.ts';
import type { CompletionText } from './completion-text.ts';
import { detailsBytes } from '../pool/details-bytes.ts';
import { isFailure } from './summarize.ts';

export interface CellCache {
  get(key: string): CellOutcome | undefined;
  set(key: string, outcome: CellOutcome): void;
  /** Entries held, and their bytes as counted against CACHE_LIMIT_BYTES. */
  size(): { entries: number; bytes: number };
}

/**
 * The cross-request cache key: a digest of everything that can change a
 * cell's score, hashed part by part (a completion can be megabytes; the parts
 * are never joined into one string).
 */
export function cellKey(leaf: Leaf, groupKey: string, text: CompletionText, group: string[] | undefined): string {
  const hash = createHash('sha256');
  const part = (value: string) => hash.update(`${value.length}:`).update(value);
  part(`${leaf.rule.id}@${leaf.rule.version}`);
  part(JSON.stringify(leaf.params));
  part(groupKey);
  part(text.text);
  part(JSON.stringify([text.completion_ids ?? null, text.num_tokens ?? null]));
  if (group) for (const completion of group) part(completion);
  return hash.digest('base64');
}

/** Failures of the machinery are not remembered: a retry may succeed. */
export function isCacheable(outcome: CellOutcome): boolean {
  return !isFailure(outcome.reason);
}

/** What an entry costs beyond its details: the key, the outcome object, the LRU's bookkeeping, in bytes. */
const ENTRY_BYTES = 256;

/** An LRU of at most `size` outcomes and `maxBytes` (details measured serialized), keyed by `cellKey`. */
export function createCellCache(size: number, maxBytes: number, onHit?: () => void): CellCache {
  const lru = new LRUCache<string, CellOutcome>({
    max: size,
    maxSize: maxBytes,
    sizeCalculation: (outcome) => ENTRY_BYTES + (outcome.details ? detailsBytes(outcome.details) : 0),
  });
  return {
    get(key) {
      const hit = lru.get(key);
      if (hit) onHit?.();
      return hit;
    },
    set(key, outcome) {
      lru.set(key, outcome);
    },
    size: () => ({ entries: lru.size, bytes: lru.calculatedSize }),
  };
}
