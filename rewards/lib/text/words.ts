/**
 * Word lists for the n-gram rewards. Latin and other spaced scripts split
 * on whitespace; CJK runs are cut into words by Intl.Segmenter, so Chinese
 * and Japanese get words, not whole sentences.
 */
import { CJK_CHARS, cjkWords } from './cjk.ts';

const CJK_OR_NOT = new RegExp(`[${CJK_CHARS}]+|[^${CJK_CHARS}]+`, 'gv');
const HAS_CJK = new RegExp(`[${CJK_CHARS}]`, 'v');
const METRIC_TOKEN = new RegExp(String.raw`[${CJK_CHARS}]+|[[\p{L}\p{M}\p{N}]--[${CJK_CHARS}]]+`, 'gv');

/**
 * open-r1's `text.lower().split()` (punctuation stays on its word), with each
 * CJK run inside a whitespace token cut into words, as open-r1 does with jieba for zh.
 */
export function whitespaceWords(text: string): string[] {
  const words: string[] = [];
  for (const token of text.toLowerCase().split(/\s+/)) {
    if (token === '') continue;
    if (!HAS_CJK.test(token)) {
      words.push(token);
      continue;
    }
    for (const [piece] of token.matchAll(CJK_OR_NOT)) {
      if (HAS_CJK.test(piece)) words.push(...cjkWords(piece));
      else words.push(piece);
    }
  }
  return words;
}

/** Lower-cased letter/number words (punctuation dropped), CJK segmented: the tokens of the similarity metrics. */
export function metricWords(text: string): string[] {
  const words: string[] = [];
  for (const [token] of text.toLowerCase().matchAll(METRIC_TOKEN)) {
    if (HAS_CJK.test(token)) words.push(...cjkWords(token));
    else words.push(token);
  }
  return words;
}
