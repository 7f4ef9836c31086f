/**
 * The words of a text, sentence by sentence, as language-consistency counts
 * them (docs/text-rules.md). The text is normalised (lib/text/normalize.ts)
 * and stripped of code and math (strip-non-prose.ts), then split into
 * sentences. A word is a run of letters, marks and digits (joined by ' ’ - .
 * , inside it); a run of an unspaced script (Han and kana, Thai, Lao, Khmer,
 * Burmese) is one token whose words Intl.Segmenter counts later. Neutral,
 * in neither count:
 * - numbers, and tokens with digits and at most two letters (x2, 3n, 5cm);
 * - names bound to an operator: a token of at most three letters with
 *   `= + * / ^ < > ≤ ≥ ± × ÷ ∩ ∪ ∈ _ |` (or a spaced minus) right before or
 *   after it (`x = 5`, `a + b`), and a single letter in brackets (`(x)`);
 * - outside the target's script, single Latin, Greek, Cyrillic or Hebrew
 *   letters (x, θ), except 4 or more in a row with only spaces between (a
 *   word spelled out, "w a i t": one word);
 * - in a non-Latin target, Latin acronyms of at most 5 letters (GCD) unless
 *   among 3 or more ALL-CAPS words in a row (shouting is drift), and short
 *   runs (at most 3 words) of capitalised Latin words (names: Pythagoras,
 *   Isaac Newton) unless one is a common English word (Wait, So, By).
 * A word mixing lookalike scripts (a Cyrillic Т in "Тhe") is labelled
 * 'mixed'; a Latin variable carrying a Korean particle ("n이") takes the
 * particle's script (tokenize.ts).
 */
import { normalizeText } from '../text/normalize.ts';
import { hasKana } from '../text/unspaced.ts';
import { hasChineseOnly, type HanSentence } from './han-context.ts';
import { stripNonProse } from './strip-non-prose.ts';
import { tokenize, type Token } from './tokenize.ts';

export interface Target {
  code: string;
  /** 'Latin', 'Han', 'Japanese' (Han + kana), 'Cyrillic', ... */
  script: string;
}

/**
 * A word as the counter sees it: a token with its word count and clause.
 * `script` is 'CJK' for a Han and kana run, the script of another unspaced
 * run, the script of a spaced word's letters, or 'mixed'.
 */
export type Word = Token;

export interface Sentence extends HanSentence {
  words: Word[];
  neutral: number;
  /** It has Cyrillic words (which may be English in disguise: transliteration.ts). */
  cyrillic: boolean;
}

// After NFKC, Chinese ！？ are ASCII and need no space after them to end a sentence.
const SENTENCE_BREAK = /[.…]+(?=\s|$)|[!?。；;\n।॥؟۔။។]+/;
const CLAUSE_BREAKS = new Set([...',;:،؛、—–()[]{}"“”«»']);

export function proseSentences(text: string, target: Target): Sentence[] {
  const sentences: Sentence[] = [];
  for (const sentence of stripNonProse(normalizeText(text)).split(SENTENCE_BREAK)) {
    const tokens = tokenize(sentence);
    if (tokens.length === 0) continue;
    const out: Sentence = { words: [], neutral: 0, han: false, kana: false, hangul: false, chineseOnly: false, cyrillic: false };
    const spelled = spelledOut(sentence, tokens, target);
    let clause = 0;
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i];
      if (i > 0 && clauseBreakBetween(sentence, tokens[i - 1].end, token.start)) clause++;
      if (spelled?.[i] === 'rest') {
        out.neutral++;
        continue;
      }
      if (spelled?.[i] === 'first') {
        out.words.push(asWord(token, token.script, clause));
        continue;
      }
      if (token.unspaced) {
        if (token.unspaced === 'CJK') out.han = true;
        token.clause = clause;
        out.words.push(token);
        continue;
      }
      if (token.script === 'Hangul') out.hangul = true;
      const script = judgeWord(sentence, tokens, i, target);
      if (script === '') out.neutral++;
      else {
        if (script === 'Cyrillic') out.cyrillic = true;
        out.words.push(asWord(token, script, clause));
      }
    }
    // Every kana and Han letter is in a CJK run (tokenize.ts): those runs are all there is to read.
    if (out.han) {
      for (const word of out.words) {
        if (word.unspaced !== 'CJK') continue;
        out.kana ||= hasKana(word.text);
        out.chineseOnly ||= hasChineseOnly(word.text);
      }
    }
    sentences.push(out);
  }
  return sentences;
}

/** The token, become a word, with its script and clause. */
function asWord(token: Token, script: string, clause: number): Word {
  token.script = script;
  token.clause = clause;
  return token;
}

/** Fewest single letters in a row, spaces alone between them, that spell a word rather than name variables ("x y z"). */
const MIN_SPELLED_LETTERS = 4;

/**
 * Runs of single letters outside the target's script with only spaces
 * between them: a word spelled out to pass as variables ("l e t m e"). The
 * first letter of a run stands for the word, the others are passed over.
 */
function spelledOut(sentence: string, tokens: Token[], target: Target): Array<'first' | 'rest' | undefined> | undefined {
  let marks: Array<'first' | 'rest' | undefined> | undefined;
  for (let i = 0; i < tokens.length;) {
    let end = i;
    while (end < tokens.length && isSpelledLetter(tokens[end], target) && (end === i || onlySpaces(sentence, tokens[end - 1].end, tokens[end].start))) end++;
    if (end - i >= MIN_SPELLED_LETTERS) {
      marks ??= [];
      marks[i] = 'first';
      for (let k = i + 1; k < end; k++) marks[k] = 'rest';
    }
    i = Math.max(end, i + 1);
  }
  return marks;
}

function isSpelledLetter(token: Token, target: Target): boolean {
  return token.letters === 1 && !token.hasDigit && !token.unspaced && VARIABLE_SCRIPTS.has(token.script) && !inTargetScript(token.script, target);
}

function onlySpaces(sentence: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (sentence[i] !== ' ') return false;
  return true;
}

/** Clause punctuation between two tokens (scanned in place: most gaps are one space). */
function clauseBreakBetween(sentence: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (sentence.charCodeAt(i) !== 0x20 && CLAUSE_BREAKS.has(sentence[i])) return true;
  return false;
}

/** Fewest letters that make a word of a token with digits: "x2", "3n", "5cm" are variables and units, "wa1t" is a word. */
const MIN_WORD_LETTERS_WITH_DIGITS = 3;
/** Most letters of a name bound to an operator: `x = 5`, `sum = 12`, `max + 1`. */
const MAX_BOUND_LETTERS = 3;
const OPERATORS = new Set([...'=+*/^<>≤≥≠±×÷∩∪∈∉⊂⊆→⇒⇔∑∏∫√_|~']);
/** Scripts whose single letters name variables (x, θ, ж); a single Han, kana or Hangul character is a word. */
const VARIABLE_SCRIPTS = new Set(['Latin', 'Greek', 'Cyrillic', 'Hebrew']);
const BRACKETS = new Set([...'()[]{}']);

/** Token i's script, or '' when it is neutral. */
function judgeWord(sentence: string, tokens: Token[], i: number, target: Target): string {
  const token = tokens[i];
  if (token.letters === 0) return ''; // a number
  if (token.script === 'mixed') return 'mixed';
  if (token.hasDigit && token.letters < MIN_WORD_LETTERS_WITH_DIGITS) return '';
  if (token.letters <= MAX_BOUND_LETTERS && boundToOperator(sentence, token)) return '';
  const { script } = token;
  if (inTargetScript(script, target)) return script;
  if (token.letters === 1 && VARIABLE_SCRIPTS.has(script)) return ''; // a letter of another script is a variable (x, θ)
  if (script === 'Latin' && isQuotedLatin(tokens, i)) return '';
  return script;
}

/** Han and kana are always in unspaced runs (tokenize.ts), so a spaced word's script is never part of a 'Japanese' target's. */
function inTargetScript(script: string, target: Target): boolean {
  return script === target.script;
}

/** An operator right before or after the token (spaces skipped); for a single letter, a bracket too. */
function boundToOperator(sentence: string, token: Token): boolean {
  let before = token.start - 1;
  while (before >= 0 && sentence[before] === ' ') before--;
  let after = token.end;
  while (after < sentence.length && sentence[after] === ' ') after++;
  const single = token.letters === 1;
  return isOperator(sentence[before], single, before === token.start - 1) || isOperator(sentence[after], single, after === token.end);
}

/** A minus is an operator only when spaced from the word ("a - b"), not as a hyphen ("re-check"). */
function isOperator(char: string | undefined, single: boolean, adjacent: boolean): boolean {
  if (char === undefined) return false;
  const code = char.charCodeAt(0);
  // The common neighbours: letters, . and ,
  if ((code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || code === 0x2e || code === 0x2c) return false;
  if (OPERATORS.has(char) || (single && BRACKETS.has(char))) return true;
  return char === '-' && !adjacent;
}

/** Most letters of an acronym (GCD, ASCII, HTTPS); a longer ALL-CAPS word is judged as a name would be. */
const MAX_ACRONYM_LETTERS = 5;

/** A Latin word quoted in non-Latin prose: a short acronym or a name, but never a word of a shouted sentence. */
function isQuotedLatin(tokens: Token[], i: number): boolean {
  const token = tokens[i];
  if (token.allCaps) return !inCapsRun(tokens, i) && (token.letters <= MAX_ACRONYM_LETTERS || inNameRun(tokens, i));
  return token.capitalised && inNameRun(tokens, i);
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
  let start = i;
  let end = i;
  // One word past the limit already rules a name out: stop there, so a long Latin run stays linear.
  while (end - start < MAX_NAME_WORDS && isLatin(tokens[start - 1])) start--;
  while (end - start < MAX_NAME_WORDS && isLatin(tokens[end + 1])) end++;
  if (end - start + 1 > MAX_NAME_WORDS) return false;
  const run = tokens.slice(start, end + 1);
  if (run.some((t) => NOT_NAMES.has(t.text.toLowerCase()))) return false;
  return run.every((t) => t.capitalised || t.allCaps || t.letters === 1);
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
  if (!token || token.unspaced) return 'break';
  if (token.letters <= 1) return 'skip';
  return token.allCaps && token.script === 'Latin' ? 'caps' : 'break';
}

/** A word written in Latin letters only. */
function isLatin(token: Token | undefined): boolean {
  return token !== undefined && !token.unspaced && token.script === 'Latin';
}
