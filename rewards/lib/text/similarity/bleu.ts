/**
 * Sentence BLEU as NLTK's `sentence_bleu` computes it by default (Papineni
 * et al. 2002): uniform weights over 1..4-grams, counts clipped by the
 * largest count in any reference, brevity penalty against the reference
 * length closest to the hypothesis (the shorter on a tie), and no smoothing,
 * so a hypothesis sharing no n-gram of some order (or shorter than 4 words) scores 0.
 */
import { clippedOverlap, ngramCounts } from '../ngrams.ts';

const MAX_ORDER = 4;

export function bleu(hypothesis: readonly string[], references: readonly (readonly string[])[]): number {
  if (hypothesis.length === 0 || references.length === 0) return 0;
  let logSum = 0;
  for (let n = 1; n <= MAX_ORDER; n++) {
    const hyp = ngramCounts(hypothesis, n);
    const maxRef = new Map<string, number>();
    for (const reference of references) {
      for (const [key, count] of ngramCounts(reference, n)) maxRef.set(key, Math.max(count, maxRef.get(key) ?? 0));
    }
    const matched = clippedOverlap(hyp, maxRef);
    if (matched === 0) return 0;
    logSum += Math.log(matched / Math.max(1, hypothesis.length - n + 1)) / MAX_ORDER;
  }
  const c = hypothesis.length;
  const r = references
    .map((ref) => ref.length)
    .reduce((best, len) => (Math.abs(len - c) < Math.abs(best - c) || (Math.abs(len - c) === Math.abs(best - c) && len < best) ? len : best));
  const brevity = c > r ? 1 : Math.exp(1 - r / c);
  return brevity * Math.exp(logSum);
}
