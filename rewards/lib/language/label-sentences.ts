/**
 * Which language each sentence and clause of the target's script is in,
 * when several languages share that script (Latin, Cyrillic, Arabic,
 * Devanagari), from eld's scores of its words (identify.ts):
 * - a sentence of 3 or more such words gets the language eld finds, the
 *   target when its raw score is within 6 % of the winner's;
 * - within it, a clause of 3 or more words whose own language leads the
 *   sentence's clearly takes its own ("Primero calculamos la suma, but let
 *   me check it again"), and then the shorter clauses follow the clauses
 *   beside them;
 * - a sentence of 1 or 2 words is the target when eld finds it near enough,
 *   else it is judged with the nearest sentences of 3 or more before and
 *   after it, each weighing as much as itself ("Va bene." between English
 *   and Italian is Italian); with none, the whole text is one sample, and
 *   fewer than 3 words in all cannot be told from the target.
 */
import { scoreWords, ScriptScores } from './identify.ts';
import { IDENTIFIED_SCRIPTS } from './languages.ts';
import type { Word } from './prose-words.ts';

/** Sentences with fewer words of the target's script than this take a neighbour's language: identifiers guess on short text. */
const MIN_IDENTIFIED_WORDS = 3;

/**
 * How far another language must lead the sentence's in a clause to take it:
 * the sentence's score at most this share of the leader's. Clauses of 3 or 4
 * words need twice the lead; in clean text eld puts a clause of 5 or more
 * words below 0.9 of its own language's leader almost never.
 */
const clauseMargin = (words: number) => (words >= 5 ? 0.85 : 0.5);

/** The words of the identified script, per sentence, labelled: [label, words] per sentence or clause. */
export function labelSentences(pending: Word[][], script: string, target: string): Array<[string, number]> {
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
