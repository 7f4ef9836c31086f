/**
 * DeepSeek-R1's language-consistency count: how many words of a text are in
 * the target language, how many are not, how many are neutral. Words come
 * from prose-words.ts. Their language:
 * - Han runs by their sentence and its neighbours (han-context.ts); kana is
 *   Japanese, Hangul Korean; Thai, Lao, Khmer, Burmese and the other scripts
 *   one language owns by script.
 * - In the target's script, when several languages share it (Latin,
 *   Cyrillic, Arabic, Devanagari) and eld knows the target: each sentence
 *   gets the language eld finds for its words of that script (identify.ts),
 *   the target when its raw score is within 6 % of the winner's. A sentence
 *   with fewer than 3 such words is judged together with the nearest
 *   sentences of 3 or more before and after it, each weighing the same;
 *   when there are none, the whole text is one sample, and fewer than 3
 *   words in all cannot be told apart from the target.
 *   English written in Cyrillic is found by its words (transliteration.ts).
 * - Words of another shared script are foreign, labelled by script ('latin').
 * Runs of unspaced scripts are segmented by Intl.Segmenter (about 1 µs a
 * word, so counts of runs are remembered); past 800 characters of runs not
 * counted before, an even sample of them is segmented and the others are
 * counted at the sample's words per character.
 */
import { countSegments, rememberedSegments } from '../text/unspaced.ts';
import { hanLabels } from './han-context.ts';
import { scoreWords, ScriptScores } from './identify.ts';
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
  /** Words of English written in Cyrillic letters. */
  transliterated: number;
  /** How the target's own script was judged: 'identifier' (eld, sentence by sentence) or 'script' alone. */
  method: 'identifier' | 'script';
}

/** Sentences with fewer words of the target's script than this take a neighbour's language: identifiers guess on short text. */
export const MIN_IDENTIFIED_WORDS = 3;
/**
 * How far another language must lead the sentence's in a clause to take it:
 * the sentence's score at most this share of the leader's. Clauses of 3 or 4
 * words need twice the lead; in clean text eld puts a clause of 5 or more
 * words below 0.9 of its own language's leader almost never.
 */
const clauseMargin = (words: number) => (words >= 5 ? 0.85 : 0.5);
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
  if (target.script === 'Japanese' && (script === 'Hiragana' || script === 'Katakana')) return 'ja';
  return scriptLabel(script);
}

/**
 * One language per sentence for the words of the identified script, then
 * per clause: a clause of 3 or more words whose own language leads the
 * sentence's clearly (clauseMargin) takes its own ("Primero calculamos la
 * suma, but let me check it again"). A short sentence is judged with the
 * nearest long sentences before and after it, each weighing as much as
 * itself ("Va bene." between English and Italian is Italian); with no long
 * sentence, the whole text is one sample. Returns the words per label.
 */
function labelSentences(pending: Word[][], script: string, target: string): Array<[string, number]> {
  const languages = IDENTIFIED_SCRIPTS[script];
  const clauses = pending.map((words) => clauseScores(words, script));
  const scores = clauses.map((list) => {
    if (list.length <= 1) return list[0];
    const sentence = new ScriptScores(languages);
    for (const clause of list) sentence.add(clause);
    return sentence;
  });
  const long = scores.map((s) => (s && s.words >= MIN_IDENTIFIED_WORDS ? s : undefined));
  const nextLong: Array<ScriptScores | undefined> = new Array(long.length);
  for (let i = long.length - 2; i >= 0; i--) nextLong[i] = long[i + 1] ?? nextLong[i + 1];
  let previousLong: ScriptScores | undefined;
  let wholeText: string | undefined;
  const out: Array<[string, number]> = [];
  scores.forEach((own, i) => {
    if (!own) return;
    if (!long[i]) {
      let label: string;
      if (own.label(target) === target) label = target;
      else if (!previousLong && !nextLong[i]) label = wholeText ??= labelWholeText(scores, languages, target);
      else {
        const combined = new ScriptScores(languages);
        for (const s of [own, previousLong, nextLong[i]]) if (s) combined.addProfile(s);
        label = combined.label(target) || target;
      }
      out.push([label, own.words]);
      return;
    }
    previousLong = own;
    const label = own.label(target);
    labelClauses(clauses[i], label, languages, target).forEach((clauseLabel, c) => out.push([clauseLabel, clauses[i][c].words]));
  });
  return out;
}

/**
 * Clauses of a long sentence: one of 3 or more words keeps the sentence's
 * language unless another leads it there (clauseMargin); when some clause
 * left it, a shorter clause is judged with the clauses of 3 or more beside
 * it, each weighing as much as itself.
 */
function labelClauses(clauses: ScriptScores[], sentence: string, languages: readonly string[], target: string): string[] {
  if (clauses.length === 1) return [sentence];
  const long = clauses.map((c) => (c.words >= MIN_IDENTIFIED_WORDS ? c.labelWithin(sentence, target, clauseMargin(c.words)) : ''));
  if (long.every((label) => label === '' || label === sentence)) return clauses.map(() => sentence);
  return clauses.map((clause, c) => {
    if (long[c]) return long[c];
    const combined = new ScriptScores(languages);
    combined.addProfile(clause);
    const before = long.slice(0, c).findLastIndex((l) => l !== '');
    const after = long.findIndex((l, k) => k > c && l !== '');
    for (const k of [before, after]) if (k >= 0) combined.addProfile(clauses[k]);
    return combined.label(target) || sentence;
  });
}

/** The scores of each clause of a sentence's words (none for a sentence without words). */
function clauseScores(words: readonly Word[], script: string): ScriptScores[] {
  const scores: ScriptScores[] = [];
  let start = 0;
  for (let i = 1; i <= words.length; i++) {
    if (i < words.length && words[i].clause === words[start].clause) continue;
    scores.push(scoreWords(words, script, start, i));
    start = i;
  }
  return scores;
}

/** All the text's words of the script as one sample; too few in all to tell them from the target. */
function labelWholeText(scores: Array<ScriptScores | undefined>, languages: readonly string[], target: string): string {
  const all = new ScriptScores(languages);
  for (const s of scores) if (s) all.add(s);
  return all.words >= MIN_IDENTIFIED_WORDS ? all.label(target) || target : target;
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
    const sampled = stats.runs === 0 || ((stats.runs * GOLDEN) % 1) < share;
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
