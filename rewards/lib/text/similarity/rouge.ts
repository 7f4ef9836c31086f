/**
 * ROUGE-N and ROUGE-L F-measures as Google's `rouge-score` package reports
 * them (Lin 2004): precision and recall of the overlapping n-grams (or of the
 * longest common subsequence), F = 2PR / (P + R), the best reference winning.
 */
import { lcsLength } from '../lcs.ts';
import { clippedOverlap, ngramCounts } from '../ngrams.ts';

function fMeasure(overlap: number, hypothesisTotal: number, referenceTotal: number): number {
  if (overlap === 0 || hypothesisTotal === 0 || referenceTotal === 0) return 0;
  const precision = overlap / hypothesisTotal;
  const recall = overlap / referenceTotal;
  return (2 * precision * recall) / (precision + recall);
}

export function rougeN(n: number, hypothesis: readonly string[], references: readonly (readonly string[])[]): number {
  const hyp = ngramCounts(hypothesis, n);
  const hypTotal = Math.max(0, hypothesis.length - n + 1);
  return Math.max(0, ...references.map((ref) => fMeasure(clippedOverlap(hyp, ngramCounts(ref, n)), hypTotal, Math.max(0, ref.length - n + 1))));
}

export function rougeL(hypothesis: readonly string[], references: readonly (readonly string[])[]): number {
  return Math.max(0, ...references.map((ref) => fMeasure(lcsLength(hypothesis, ref), hypothesis.length, ref.length)));
}
