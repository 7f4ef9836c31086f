/**
 * Scripts written without spaces between words: Chinese and Japanese (Han
 * and kana) and Thai, Lao, Khmer and Burmese. Their runs are cut into words
 * by Intl.Segmenter, whose ICU dictionaries cover all of them whatever the
 * locale. Only those runs go through it: the segmenter costs about 1 µs a
 * segment, so a whole English text through it would cost more than the rest
 * of a rule.
 */

/** Han, kana and the marks that live inside Japanese words (ー 々 〆). */
export const CJK_CHARS = String.raw`\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー々〆`;
/** Thai, Lao, Khmer and Myanmar letters and their combining marks. */
export const SEA_CHARS = String.raw`\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}`;
export const UNSPACED_CHARS = CJK_CHARS + SEA_CHARS;

export const CJK_RUN = new RegExp(`[${CJK_CHARS}]+`, 'gv');
const KANA = new RegExp(String.raw`[\p{Script=Hiragana}\p{Script=Katakana}]`, 'v');

const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });

/** The word-like segments of a run of unspaced-script characters. */
export function segmentWords(run: string): string[] {
  const words: string[] = [];
  for (const piece of segmenter.segment(run)) if (piece.isWordLike) words.push(piece.segment);
  return words;
}

/** How many word-like segments a run holds, without keeping them. */
export function countSegments(run: string): number {
  let count = 0;
  for (const piece of segmenter.segment(run)) if (piece.isWordLike) count++;
  return count;
}

export function hasKana(text: string): boolean {
  return KANA.test(text);
}
