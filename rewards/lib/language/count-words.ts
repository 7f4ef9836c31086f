/**
 * DeepSeek-R1's language-consistency count: how many words of a text are in
 * the target language, how many are not, and how many are neutral (numbers,
 * variables, and in a non-Latin text short ALL-CAPS acronyms and isolated
 * capitalised names). Words are found per sentence: CJK runs are segmented
 * (Han is Japanese when its sentence has kana, else Chinese), other words are
 * judged by script; a word mixing scripts (homoglyph "Тhe") is foreign. For
 * Latin-script targets other than English, the Latin words of each sentence
 * take the language an identifier gives the sentence.
 */
import { CJK_CHARS, segmentWords, hasKana } from '../text/unspaced.ts';
import { scriptLabel } from './languages.ts';
import { shapeOf, type WordShape } from './scripts.ts';
import { stripNonProse } from './strip-non-prose.ts';

export interface Target {
  code: string;
  /** 'Latin', 'Han', 'Japanese' (Han + kana), 'Cyrillic', ... */
  script: string;
}

/** Names the language of a Latin-script sentence, or '' when it cannot tell; given, target-script words wait for it. */
export type Identify = (text: string) => string;

export interface WordCounts {
  target: number;
  foreign: number;
  neutral: number;
  /** Non-neutral words per language label, the target's included. */
  byLanguage: Record<string, number>;
}

const SENTENCE_BREAK = /[.!?…]+(?=\s|$)|[。！？；;\n]+/;
const TOKEN = new RegExp(String.raw`(?<cjk>[${CJK_CHARS}]+)|[[\p{L}\p{M}\p{N}]--[${CJK_CHARS}]]+(?:['’.,\-][[\p{L}\p{M}\p{N}]--[${CJK_CHARS}]]+)*`, 'gv');
/** Sentences with fewer Latin words than this take their neighbour's language: identifiers guess on short text. */
const MIN_IDENTIFIED_WORDS = 3;

interface Token {
  text: string;
  cjk: boolean;
  shape?: WordShape;
}

export function countWords(text: string, target: Target, identify?: Identify): WordCounts {
  const counts: WordCounts = { target: 0, foreign: 0, neutral: 0, byLanguage: {} };
  const add = (label: string, n = 1) => {
    if (n === 0) return;
    if (label === target.code) counts.target += n;
    else counts.foreign += n;
    counts.byLanguage[label] = (counts.byLanguage[label] ?? 0) + n;
  };
  // Latin words of a Latin non-English target wait for their sentence's language.
  const pending: Array<{ words: string[] }> = [];

  for (const sentence of stripNonProse(text).split(SENTENCE_BREAK)) {
    const tokens: Token[] = [];
    for (const m of sentence.matchAll(TOKEN)) tokens.push({ text: m[0], cjk: m.groups!.cjk !== undefined });
    if (tokens.length === 0) continue;
    const kana = tokens.some((t) => t.cjk) && hasKana(sentence);
    const latin: string[] = [];
    tokens.forEach((token, i) => {
      if (token.cjk) {
        add(kana ? 'ja' : 'zh', segmentWords(token.text).length);
        return;
      }
      const verdict = judgeWord(tokens, i, target, identify !== undefined);
      if (verdict === 'neutral') counts.neutral++;
      else if (verdict === 'pending') latin.push(token.text);
      else add(verdict);
    });
    if (latin.length > 0) pending.push({ words: latin });
  }
  if (pending.length > 0) labelSentences(pending, identify!, target.code).forEach((label, i) => add(label, pending[i].words.length));
  return counts;
}

/** Most letters of an acronym (GCD, ASCII, HTTPS); a longer ALL-CAPS word is judged as a name would be. */
const MAX_ACRONYM_LETTERS = 5;
/** Fewest letters that make a word of a token with digits: "x2", "3n", "5cm" are variables and units, "wa1t" is a word. */
const MIN_WORD_LETTERS_WITH_DIGITS = 3;

/**
 * Token i's language label, 'neutral', or 'pending' (its sentence decides).
 * Takes the tokens rather than callbacks: few words look at their neighbours,
 * and allocating closures for every token tripled the time of an English CoT.
 */
function judgeWord(tokens: Token[], i: number, target: Target, perSentence: boolean): string {
  const shape = shapeOfToken(tokens[i]);
  if (shape.letters === 0) return 'neutral'; // a number
  if (shape.scripts.length > 1) return 'mixed';
  const [script] = shape.scripts;
  if (inTargetScript(script, target)) return perSentence && script === 'Latin' ? 'pending' : target.code;
  // A letter of another script is a variable (x, θ); so is a short word with digits (x2, 3n).
  if (shape.letters === 1 || (shape.hasDigit && shape.letters < MIN_WORD_LETTERS_WITH_DIGITS)) return 'neutral';
  if (script === 'Latin' && isQuotedLatin(tokens, i)) return 'neutral';
  return scriptLabel(script);
}

/** A Latin word quoted in non-Latin prose: a short acronym or a name, but never a word of a shouted sentence. */
function isQuotedLatin(tokens: Token[], i: number): boolean {
  const shape = shapeOfToken(tokens[i]);
  if (shape.allCaps) return !inCapsRun(tokens, i) && (shape.letters <= MAX_ACRONYM_LETTERS || inNameRun(tokens, i));
  return shape.capitalised && inNameRun(tokens, i);
}

function inTargetScript(script: string, target: Target): boolean {
  if (target.script === 'Japanese') return script === 'Han' || script === 'Hiragana' || script === 'Katakana';
  return script === target.script;
}

/** Longest name quoted in other-script prose ("Isaac Newton", "Cauchy Schwarz"), in words. */
const MAX_NAME_WORDS = 3;

/** Capitalised English words that open drifting sentences ("Wait, 让我再想想", "By symmetry"): never names. */
const NOT_NAMES = new Set(
  [
    'wait hmm hm okay ok so but and or now then first next finally let lets alternatively actually therefore thus hence yes no',
    'well also however maybe perhaps note check hold right sure good great oh ah because since if what why how when where which',
    'who the this that these those there here it we i you he she they is are was a an by in for to from with as at on of not all',
    'each every some any after before using given suppose assume consider compute calculate solve find step answer',
  ]
    .join(' ')
    .split(' '),
);

/** Token i sits in a short run of Latin words that are all capitalised or acronyms: a name, not drift. */
function inNameRun(tokens: Token[], i: number): boolean {
  const latin = (t: Token | undefined) => !!t && !t.cjk && isLatin(shapeOfToken(t));
  let start = i;
  let end = i;
  // One word past the limit already rules a name out: stop there, so a long Latin run stays linear.
  while (end - start < MAX_NAME_WORDS && latin(tokens[start - 1])) start--;
  while (end - start < MAX_NAME_WORDS && latin(tokens[end + 1])) end++;
  if (end - start + 1 > MAX_NAME_WORDS) return false;
  const run = tokens.slice(start, end + 1);
  if (run.some((t) => NOT_NAMES.has(t.text.toLowerCase()))) return false;
  return run.every((t) => t.shape!.capitalised || t.shape!.allCaps || t.shape!.letters === 1);
}

/** Fewest ALL-CAPS words in a row that make a shouted sentence ("WAIT LET ME CHECK"), not a list of acronyms. */
const MIN_SHOUTED_WORDS = 3;

/**
 * Token i is one of MIN_SHOUTED_WORDS or more ALL-CAPS Latin words in a row.
 * Numbers and single letters in between are skipped ("CHECK STEP 2 AGAIN",
 * "WAIT I THINK"). The scan stops once enough words are found, so a long
 * shouted text stays linear.
 */
function inCapsRun(tokens: Token[], i: number): boolean {
  let found = 1;
  for (const step of [-1, 1]) {
    for (let j = i + step; found < MIN_SHOUTED_WORDS; j += step) {
      const kind = capsKind(tokens[j]);
      if (kind === 'break') break;
      if (kind === 'caps') found++;
    }
  }
  return found >= MIN_SHOUTED_WORDS;
}

/** How a token bears on a shouted run: an ALL-CAPS Latin word, a number or single letter passed over, or a break. */
function capsKind(token: Token | undefined): 'caps' | 'skip' | 'break' {
  if (!token || token.cjk) return 'break';
  const shape = shapeOfToken(token);
  if (shape.letters <= 1) return 'skip';
  return shape.allCaps && isLatin(shape) ? 'caps' : 'break';
}

/** A token's shape, worked out once. */
function shapeOfToken(token: Token): WordShape {
  return (token.shape ??= shapeOf(token.text));
}

/** Written in Latin letters only. */
function isLatin(shape: WordShape): boolean {
  return shape.scripts.length === 1 && shape.scripts[0] === 'Latin';
}

/** One language per sentence; short sentences take the previous long one's (or the first long one's). */
function labelSentences(sentences: Array<{ words: string[] }>, identify: Identify, fallback: string): string[] {
  const labels = sentences.map((s) => (s.words.length >= MIN_IDENTIFIED_WORDS ? identify(s.words.join(' ')) : ''));
  // No sentence long enough: the whole Latin text is one sample; if even that is unclear, no drift is shown.
  let previous = labels.find((l) => l !== '') || identify(sentences.flatMap((s) => s.words).join(' ')) || fallback;
  return labels.map((label) => (previous = label || previous));
}
