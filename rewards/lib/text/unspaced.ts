/**
 * Scripts written without spaces between words: Chinese and Japanese (Han
 * and kana) and Thai, Lao, Khmer and Burmese. Their runs are cut into words
 * by Intl.Segmenter, whose ICU dictionaries cover all of them whatever the
 * locale. Only those runs go through it: the segmenter is slow per segment,
 * so a whole English text through it would cost more than the rest of a rule.
 */
import { TwoGenerationCache } from './two-generation-cache.ts';

/** Chinese and Japanese: their runs are cut into words together. */
export const CJK_SCRIPTS = ['Han', 'Hiragana', 'Katakana'] as const;
/** Marks that live inside Japanese words but belong to no CJK script: ー 々 〆. */
export const CJK_MARKS = ['\u30fc', '\u3005', '\u3006'] as const;
/** Southeast Asian scripts: each one's runs (letters and combining marks) are cut on their own. */
export const SEA_SCRIPTS = ['Thai', 'Lao', 'Khmer', 'Myanmar'] as const;

const scriptClass = (scripts: readonly string[]) => scripts.map((script) => String.raw`\p{Script=${script}}`).join('');
/** Regex class contents: Han, kana and the marks that live inside Japanese words. */
const CJK_CHARS = scriptClass(CJK_SCRIPTS) + CJK_MARKS.join('');
/** Regex class contents: the characters of every unspaced script (the SEA ones with their combining marks). */
export const UNSPACED_CHARS = CJK_CHARS + scriptClass(SEA_SCRIPTS);

const KANA = new RegExp(String.raw`[\p{Script=Hiragana}\p{Script=Katakana}]`, 'v');

const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });

/** The word-like segments of a run of unspaced-script characters. */
export function segmentWords(run: string): string[] {
  const words: string[] = [];
  for (const piece of segmenter.segment(run)) if (piece.isWordLike) words.push(piece.segment);
  return words;
}

/** Runs already counted, two generations of this many: chains of thought repeat their phrases. */
const RUNS_PER_GENERATION = 20_000;
const counted = new TwoGenerationCache<number>(RUNS_PER_GENERATION);

/** How many word-like segments a run holds: remembered, or undefined. */
export function rememberedSegments(run: string): number | undefined {
  return counted.get(run);
}

/** How many word-like segments a run not remembered holds (ask rememberedSegments first), without keeping them; remembered. */
export function countSegments(run: string): number {
  let count = 0;
  for (const piece of segmenter.segment(run)) if (piece.isWordLike) count++;
  counted.set(run, count);
  return count;
}

/** Empties the remembered counts: what a benchmark of first-sight cost needs. */
export function forgetSegmentCounts(): void {
  counted.clear();
}

export function hasKana(text: string): boolean {
  return KANA.test(text);
}
