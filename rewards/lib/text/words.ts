/**
 * Word lists for the n-gram rewards, over normalised text (normalize.ts).
 * Spaced scripts split on whitespace; runs of the unspaced scripts (Chinese,
 * Japanese, Thai, Lao, Khmer, Burmese) are cut into words by Intl.Segmenter.
 */
import { normalizeText } from './normalize.ts';
import { segmentWords, UNSPACED_CHARS } from './unspaced.ts';

const UNSPACED_OR_NOT = new RegExp(`[${UNSPACED_CHARS}]+|[^${UNSPACED_CHARS}]+`, 'gv');
const HAS_UNSPACED = new RegExp(`[${UNSPACED_CHARS}]`, 'v');
const METRIC_TOKEN = new RegExp(String.raw`[${UNSPACED_CHARS}]+|[[\p{L}\p{M}\p{N}]--[${UNSPACED_CHARS}]]+`, 'gv');
const NUMBER = /\p{N}+/gu;
/** Combining marks on a plain Latin letter or digit: NFKC has composed every real accent, so these only vary a word ("wait\u0301"). */
const STACKED_MARKS = /([a-z0-9])\p{M}+/gu;
const NON_ASCII = /[^\p{ASCII}]/u;

/** A token longer than this, in UTF-16 units, is no word: a loop written without spaces ("waitwaitwait…", "!!!!…"). */
const LONG_TOKEN = 24;
/** Such a token is cut into pieces of this many units, so a periodic run yields repeating pieces. */
const PIECE = 8;

export interface UnitOptions {
  /** Every run of digits reads as `0`, so a loop that carries a counter ("step 1 … step 2 …") repeats. */
  maskNumbers: boolean;
}

/**
 * The units of the repetition measures: open-r1's `text.lower().split()`
 * (punctuation stays on its word) over normalised text, combining marks
 * stacked on plain Latin letters dropped, with each
 * unspaced-script run inside a token segmented into words (open-r1 uses
 * jieba for Chinese), tokens over 24 units cut into 8-unit pieces, and
 * numbers masked when asked.
 */
export function repetitionUnits(text: string, options: UnitOptions): string[] {
  const units: string[] = [];
  const push = (unit: string) => units.push(options.maskNumbers ? unit.replace(NUMBER, '0') : unit);
  let normalized = normalizeText(text).toLowerCase();
  if (NON_ASCII.test(normalized)) normalized = normalized.replace(STACKED_MARKS, '$1');
  for (const token of normalized.split(/\s+/)) {
    if (token === '') continue;
    const pieces = HAS_UNSPACED.test(token) ? token.match(UNSPACED_OR_NOT)! : [token];
    for (const piece of pieces) {
      if (HAS_UNSPACED.test(piece)) for (const word of segmentWords(piece)) push(word);
      else if (piece.length <= LONG_TOKEN) push(piece);
      else for (let at = 0; at < piece.length; at += PIECE) push(piece.slice(at, at + PIECE));
    }
  }
  return units;
}

/** Lower-cased letter/number words (punctuation dropped), unspaced scripts segmented: the tokens of the similarity metrics. */
export function metricWords(text: string): string[] {
  const words: string[] = [];
  for (const [token] of text.toLowerCase().matchAll(METRIC_TOKEN)) {
    if (HAS_UNSPACED.test(token)) words.push(...segmentWords(token));
    else words.push(token);
  }
  return words;
}
