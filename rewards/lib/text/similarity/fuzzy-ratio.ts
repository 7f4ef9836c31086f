/**
 * rapidfuzz's `fuzz.ratio` / 100, which OpenAI's `fuzzy_match` uses: the
 * normalised Indel similarity 2·LCS / (|a| + |b|) over code points, case and
 * punctuation kept (no processor), 1 for two empty strings.
 */
import { lcsLength } from '../lcs.ts';

export function fuzzyRatio(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  if (x.length + y.length === 0) return 1;
  return (2 * lcsLength(x, y)) / (x.length + y.length);
}
