/**
 * Google-BLEU as NLTK's `sentence_gleu` computes it (Wu et al. 2016): over
 * all 1..4-grams, matches / max(hypothesis n-grams, reference n-grams), the
 * best reference winning; 0 when both are empty.
 */
import { clippedOverlap, ngramCounts } from '../ngrams.ts';

const MAX_ORDER = 4;

function allNgrams(tokens: readonly string[]): Map<string, number> {
  const all = new Map<string, number>();
  // Orders are kept apart by the key: an n-gram's key holds n-1 separators.
  for (let n = 1; n <= MAX_ORDER; n++) for (const [key, count] of ngramCounts(tokens, n)) all.set(key, count);
  return all;
}

const total = (counts: Map<string, number>) => [...counts.values()].reduce((a, b) => a + b, 0);

export function gleu(hypothesis: readonly string[], references: readonly (readonly string[])[]): number {
  const hyp = allNgrams(hypothesis);
  const hypTotal = total(hyp);
  let best = 0;
  for (const reference of references) {
    const ref = allNgrams(reference);
    const denominator = Math.max(hypTotal, total(ref));
    if (denominator > 0) best = Math.max(best, clippedOverlap(hyp, ref) / denominator);
  }
  return best;
}
