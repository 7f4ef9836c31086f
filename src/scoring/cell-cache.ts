/**
 * Identity of a cell, and the LRU that remembers outcomes across requests.
 * Two cells with the same key get the same score: rule@version, params and
 * every input the rule can read are in the key.
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { CellOutcome } from '../pool/protocol.ts';
import type { Leaf } from '../registry/registry.ts';
import type { CompletionText } from './completion-text.ts';
import { isFailure } from './summarize.ts';

export interface CellCache {
  get(key: string): CellOutcome | undefined;
  set(key: string, outcome: CellOutcome): void;
}

/** Everything that can change a cell's score; identical keys are scored once. */
export function cellKey(leaf: Leaf, groupKey: string, text: CompletionText, group: string[] | undefined): string {
  return JSON.stringify([
    leaf.rule.id,
    leaf.rule.version,
    leaf.params,
    groupKey,
    text.text,
    text.completion_ids ?? null,
    text.num_tokens ?? null,
    group ?? null,
  ]);
}

/** Failures of the machinery are not remembered: a retry may succeed. */
export function isCacheable(outcome: CellOutcome): boolean {
  return !isFailure(outcome.reason);
}

/** An LRU of `size` outcomes keyed by a digest of the cell key (keys can be megabytes). */
export function createCellCache(size: number, onHit?: () => void): CellCache {
  const lru = new LRUCache<string, CellOutcome>({ max: size });
  const digest = (key: string) => createHash('sha256').update(key).digest('base64');
  return {
    get(key) {
      const hit = lru.get(digest(key));
      if (hit) onHit?.();
      return hit;
    },
    set(key, outcome) {
      lru.set(digest(key), outcome);
    },
  };
}
