/** n-gram counting over words or token ids, shared by the repetition penalty and the similarity metrics. */

// A separator no word or id contains, so ['a b', 'c'] and ['a', 'b c'] give different keys.
const SEP = '\u0001';

export function ngramCounts(tokens: readonly (string | number)[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    // Concatenation, not slice + join: no array per n-gram on this hot path of every format cell.
    let key = String(tokens[i]);
    for (let k = 1; k < n; k++) key += SEP + tokens[i + k];
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

export interface NgramRepetition {
  /** n-grams in the sequence (length - n + 1, or 0 when shorter than n). */
  total: number;
  distinct: number;
  /** 1 - distinct / total: 0 for no repeated n-gram, towards 1 for a degenerate loop. */
  rate: number;
}

/** How much of a sequence repeats itself: the degeneration signal of the repetition penalty. */
export function ngramRepetition(tokens: readonly (string | number)[], n: number): NgramRepetition {
  const total = Math.max(0, tokens.length - n + 1);
  if (total === 0) return { total: 0, distinct: 0, rate: 0 };
  const distinct = ngramCounts(tokens, n).size;
  return { total, distinct, rate: 1 - distinct / total };
}

/** Overlap of two n-gram multisets: sum of min counts (clipped counts of BLEU, ROUGE-n, GLEU). */
export function clippedOverlap(hypothesis: Map<string, number>, reference: Map<string, number>): number {
  let overlap = 0;
  for (const [key, count] of hypothesis) overlap += Math.min(count, reference.get(key) ?? 0);
  return overlap;
}
