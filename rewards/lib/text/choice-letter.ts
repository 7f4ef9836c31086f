/**
 * Finds the option letter a multiple-choice answer picks, most explicit
 * form first: \boxed{C}; "Answer: C" / "the answer is (C)" / "答案是C";
 * an answer that is only a letter ("C", "(C)", "**C.**") or starts with one
 * ("C) Paris"); else the last parenthesised "(C)". Each form is read as a
 * list ("A, B or C", "(A)(B)", "A) B)"): several different letters are a
 * hedge, reported as such. A negated letter ("not (C)", "C) is wrong") is
 * not a choice.
 */
import { boxedContents } from '../boxed.ts';

export type Choice = { letter: string; method: string } | { letters: string[]; method: string };

interface Token {
  letter: string;
  start: number;
  end: number;
}

const PHRASE = /(?:answer|option|choice)(?:\s+(?:is|would be|should be))?\s*[:：]?/giu;
const CHINESE_PHRASE = /答案\s*(?:是|为|為|应为|選|选)?\s*[:：]?/gu;
// Skipped between the phrase and its letters: "Answer: I think B", "the answer is either A or B".
const PREAMBLE = /\s*(?:I\s+\p{Ll}+\s+)?(?:either\s+)?/uy;
const ONLY_LETTER = /^[\s*([]*([A-Z])[\s*)\].:]*$/u;
const LEADING = /^[\s*([]*([A-Z])\s*[).:]\s+\S/u;
const PARENTHESISED = /\(([A-Z])\)/gu;
const LATEX_WRAPPER = /\\(?:text|textbf|mathrm|mathbf|mbox)\s*\{([^{}]*)\}/g;
// One letter that is not part of a word, with its marks: "C", "(C)", "**C**", "C)", "C.".
const TOKEN = /[\s*]*(?:([([（])\s*)?([A-Z])(?![\p{L}\p{N}])(?:\s*([)\]）.:]))?\**/uy;
// What joins two letters of one list: "A, B", "A or B", "A/B", "(A)(B)", "A) B)".
const JOIN = /\s*([,，/、]?)\s*((?:or|and)\s+)?/uy;
// What may follow a letter that ends a clause: "B" in "A, B, C or D", not in "(A), (B) is right".
const STANDS_ALONE = /\s*(?:$|[.,，;:!?/、)\]）]|(?:or|and)(?![\p{L}]))/uy;
// The pronoun, not option I: "I think".
const PRONOUN_VERB = /\s+\p{Ll}/uy;
const NEGATED_BEFORE = /(?:\bnot|n't)[\s*]*$/iu;
const NEGATED_AFTER = /\s*(?:(?:(?:is|are|was)\s+)?(?:wrong|incorrect|false|fails?)|(?:is|are|was)(?:\s+not|n't))(?![\p{L}])/iuy;
const NEGATION_WINDOW = 8; // chars before a letter searched for "not": enough for "not **(", bounded on huge inputs

/** Whether the sticky `re` matches `text` at `index`. */
function matchesAt(re: RegExp, text: string, index: number): RegExpExecArray | null {
  re.lastIndex = index;
  return re.exec(text);
}

/** The letters of the list that starts at `start`, in order; the first may be followed by anything ("C) Paris"). */
function readList(text: string, start: number): Token[] {
  const tokens: Token[] = [];
  let at = start;
  let join: RegExpExecArray | undefined;
  for (let m = matchesAt(TOKEN, text, at); m; m = matchesAt(TOKEN, text, at)) {
    const [, open, letter, close] = m;
    const end = m.index + m[0].length;
    if (letter === 'I' && !open && !close && matchesAt(PRONOUN_VERB, text, end)) break;
    // Without "or"/"and" a later letter joins only if it ends its clause after a comma, or carries its marks after spaces ("A) B)").
    if (join && !join[2] && !(join[1] ? matchesAt(STANDS_ALONE, text, end) : close)) break;
    tokens.push({ letter, start: m.index, end });
    join = matchesAt(JOIN, text, end)!;
    if (close === '.' && !join[2]) break; // a full stop ends the list unless "or"/"and" follows: "A. or C."
    at = join.index + join[0].length;
  }
  return tokens;
}

/** "not (C)", "C) is wrong", "Option A is incorrect": the letter is ruled out, not chosen. */
function negated(text: string, token: Token): boolean {
  return NEGATED_BEFORE.test(text.slice(Math.max(0, token.start - NEGATION_WINDOW), token.start)) || matchesAt(NEGATED_AFTER, text, token.end) !== null;
}

/** Where a phrase's letters start: past "I think" and "either". */
function answerStart(text: string, phraseEnd: number): number {
  return phraseEnd + matchesAt(PREAMBLE, text, phraseEnd)![0].length;
}

/** The letters of the last list of parenthesised letters that chooses any: "(A) fails, (B) fails, so (C)" gives C. */
function lastParenthesisedList(text: string, matches: RegExpExecArray[], chosen: (tokens: Token[]) => string[]): string[] {
  let last: string[] = [];
  let readUpTo = 0;
  for (const m of matches) {
    if (m.index < readUpTo) continue; // already read as part of an earlier list
    const tokens = readList(text, m.index);
    readUpTo = tokens.at(-1)?.end ?? m.index + m[0].length;
    const found = chosen(tokens);
    if (found.length > 0) last = found;
  }
  return last;
}

export function extractChoice(text: string, letters: string): Choice | undefined {
  const allowed = (letter: string | undefined) => letter !== undefined && letters.includes(letter);
  const chosen = (tokens: Token[]) => tokens.filter((t) => allowed(t.letter) && !negated(text, t)).map((t) => t.letter);
  const pick = (found: string[], method: string): Choice | undefined => {
    const distinct = [...new Set(found)];
    if (distinct.length === 0) return undefined;
    return distinct.length === 1 ? { letter: distinct[0], method } : { letters: distinct, method };
  };

  // A boxed letter is the answer even outside `letters` (then it is simply wrong).
  const boxed = boxedContents(text).map((content) => ONLY_LETTER.exec(content.replace(LATEX_WRAPPER, '$1'))?.[1]);
  const boxedChoice = pick(
    boxed.filter((letter) => letter !== undefined),
    'boxed',
  );
  if (boxedChoice) return boxedChoice;

  // The phrase is case-insensitive, its letters are not: "the answer is a prime" names no option.
  const phrased = [...text.matchAll(PHRASE), ...text.matchAll(CHINESE_PHRASE)]
    .sort((a, b) => a.index - b.index)
    .map((m) => chosen(readList(text, answerStart(text, m.index + m[0].length))))
    .filter((found) => found.length > 0);
  if (phrased.length > 0) return pick(phrased.at(-1)!, 'phrase');

  const only = ONLY_LETTER.exec(text)?.[1];
  if (allowed(only)) return { letter: only!, method: 'bare' };
  // "C) Paris" picks C; "(A) fails, (B) fails, so (C)" discusses options and picks the last.
  const parenthesised = [...text.matchAll(PARENTHESISED)];
  const leading = new Set(parenthesised.map((m) => m[1]).filter(allowed)).size <= 1 && LEADING.test(text);
  const bare = leading ? pick(chosen(readList(text, 0)), 'bare') : undefined;
  if (bare) return bare;

  // "either (A) or (B)" is one list, a hedge.
  return pick(lastParenthesisedList(text, parenthesised, chosen), 'parenthesised');
}
