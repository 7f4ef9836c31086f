/**
 * DeepSeek-R1's language-consistency count: how many words of a text are in
 * the target language, how many are not, how many are neutral. Words come
 * from prose-words.ts. Their language:
 * - Han runs by their sentence and its neighbours (han-context.ts); kana is
 *   Japanese, Hangul Korean; Thai, Lao, Khmer, Burmese and the other scripts
 *   one language owns by script.
 * - In the target's script, when several languages share it (Latin,
 *   Cyrillic, Arabic, Devanagari) and eld knows the target: by sentence and
 *   clause, with eld (label-sentences.ts). English written in Cyrillic is
 *   found by its words (transliteration.ts).
 * - Words of another shared script are foreign, labelled by script ('latin').
 * Runs of unspaced scripts are segmented by Intl.Segmenter (slow per word,
 * so counts of runs are remembered); past 800 characters of runs not
 * counted before, an even sample of them is segmented and the others are
 * counted at the sample's words per character.
 */
import { countSegments, rememberedSegments } from '../text/unspaced.ts';
import { hanLabels } from './han-context.ts';
import { labelSentences } from './label-sentences.ts';
import { IDENTIFIED_SCRIPTS, identifiable, scriptLabel } from './languages.ts';
import { proseSentences, type Sentence, type Target, type Word } from './prose-words.ts';
import { isEnglishInCyrillic } from './transliteration.ts';

export type { Target } from './prose-words.ts';

export interface WordCounts {
  target: number;
  foreign: number;
  neutral: number;
  /** Non-neutral words per language label, the target's included. */
  byLanguage: Record<string, number>;
  /** Words of English written in Cyrillic letters: whole, as only spaced words (count 1) are. */
  transliterated: number;
  /** How the target's own script was judged: 'identifier' (eld, sentence by sentence) or 'script' alone. */
  method: 'identifier' | 'script';
}

/** Characters of unspaced scripts segmented in full; beyond, an even sample of this many. */
const SEGMENT_BUDGET = 800;

/** All non-neutral words of a text, whatever their language: how a labelled corpus counts a segment it knows the language of. */
export function totalWords(text: string, target: Target): number {
  const sentences = proseSentences(text, target);
  countUnspaced(sentences);
  return sentences.reduce((n, s) => n + s.words.reduce((m, w) => m + w.count, 0), 0);
}

/** Counts words by language. Identifying the target's script needs loadDetector() to have resolved. */
export function countWords(text: string, target: Target): WordCounts {
  const sentences = proseSentences(text, target);
  countUnspaced(sentences);
  const counts: WordCounts = { target: 0, foreign: 0, neutral: 0, byLanguage: {}, transliterated: 0, method: 'script' };
  const add = (label: string, n: number) => {
    if (n === 0) return;
    if (label === target.code) counts.target += n;
    else counts.foreign += n;
    counts.byLanguage[label] = (counts.byLanguage[label] ?? 0) + n;
  };
  const identified = IDENTIFIED_SCRIPTS[target.script] && identifiable(target.code) ? target.script : undefined;
  if (identified) counts.method = 'identifier';
  const han = hanLabels(sentences);
  // Words of the target's script, per sentence, wait for identification.
  const pending: Word[][] = sentences.map(() => []);

  sentences.forEach((sentence, si) => {
    counts.neutral += sentence.neutral;
    const english = sentence.cyrillic && isEnglishInCyrillic(sentence.words.filter((w) => w.script === 'Cyrillic').map((w) => w.text.toLowerCase()));
    for (const word of sentence.words) {
      if (word.script === 'CJK') add(han[si], word.count);
      else if (english && word.script === 'Cyrillic') {
        add('en-Cyrl', word.count);
        counts.transliterated += word.count;
      } else if (word.script === identified) pending[si].push(word);
      else add(labelOf(word.script, target), word.count);
    }
  });
  if (identified) for (const [label, words] of labelSentences(pending, identified, target.code)) add(label, words);
  return counts;
}

function labelOf(script: string, target: Target): string {
  if (script === target.script) return target.code; // the target's script, when eld cannot tell its languages apart
  return scriptLabel(script);
}

/** Spreads the sample over the text without following any period it may have (golden-ratio low-discrepancy sequence). */
const GOLDEN = 0.6180339887498949;

/**
 * Fills in the word counts of unspaced runs: every run when they hold at
 * most SEGMENT_BUDGET characters, else the runs already counted before
 * and an even sample; the others at the sample's words per character.
 */
export function countUnspaced(sentences: Sentence[]): void {
  const runs: Word[] = [];
  for (const sentence of sentences) for (const word of sentence.words) if (word.unspaced) runs.push(word);
  const total = runs.reduce((n, run) => n + run.text.length, 0);
  const share = Math.min(1, SEGMENT_BUDGET / Math.max(1, total));
  // Per script: runs seen, characters and words of the runs counted.
  const seen = new Map<string, { runs: number; chars: number; words: number }>();
  const estimated: Word[] = [];
  for (const run of runs) {
    let stats = seen.get(run.script);
    if (!stats) seen.set(run.script, (stats = { runs: 0, chars: 0, words: 0 }));
    const known = rememberedSegments(run.text);
    const sampled = stats.runs === 0 || (stats.runs * GOLDEN) % 1 < share;
    stats.runs++;
    if (known === undefined && !sampled) {
      estimated.push(run);
      continue;
    }
    run.count = known ?? countSegments(run.text);
    stats.chars += run.text.length;
    stats.words += run.count;
  }
  for (const run of estimated) {
    const stats = seen.get(run.script)!;
    run.count = (run.text.length * stats.words) / stats.chars;
  }
}
