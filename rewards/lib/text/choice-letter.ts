/**
 * Finds the option letter a multiple-choice answer picks, most explicit
 * form first: \boxed{C}; "Answer: C" / "the answer is (C)" / "答案是C";
 * an answer that is only a letter ("C", "(C)", "**C.**", "C) Paris");
 * else the last parenthesised letter "(C)". Several different letters in
 * the winning form are a hedge, reported as such.
 */
import { boxedContents } from '../boxed.ts';

export type Choice = { letter: string; method: string } | { letters: string[]; method: string };

const PHRASE = /(?:answer|option|choice)(?:\s+(?:is|would be|should be))?\s*[:：]?\s*\**\s*[([]?\s*([a-z])\s*[)\]]?(?![\p{L}\p{N}])/giu;
const CHINESE_PHRASE = /答案\s*(?:是|为|為|应为|選|选)?\s*[:：]?\s*[(（]?\s*([A-Z])(?![\p{L}\p{N}])/gu;
const ONLY_LETTER = /^[\s*([]*([A-Z])[\s*)\].:]*$/u;
const LEADING = /^[\s*([]*([A-Z])\s*[).:]\s+\S/u;
const PARENTHESISED = /\(([A-Z])\)/gu;
const LATEX_WRAPPER = /\\(?:text|textbf|mathrm|mathbf|mbox)\s*\{([^{}]*)\}/g;

export function extractChoice(text: string, letters: string): Choice | undefined {
  const allowed = (letter: string | undefined) => letter !== undefined && letters.includes(letter);
  const pick = (found: string[], method: string): Choice | undefined => {
    const distinct = [...new Set(found)];
    if (distinct.length === 0) return undefined;
    return distinct.length === 1 ? { letter: distinct[0], method } : { letters: distinct, method };
  };

  // A boxed letter is the answer even outside `letters` (then it is simply wrong).
  const boxed = boxedContents(text).map((content) => ONLY_LETTER.exec(content.replace(LATEX_WRAPPER, '$1'))?.[1]);
  const boxedChoice = pick(boxed.filter((letter) => letter !== undefined), 'boxed');
  if (boxedChoice) return boxedChoice;

  // The phrase is case-insensitive, its letter is not: "the answer is a prime" names no option.
  const phrased = [...text.matchAll(PHRASE), ...text.matchAll(CHINESE_PHRASE)]
    .sort((a, b) => a.index - b.index)
    .map((m) => m[1])
    .filter(allowed);
  if (phrased.length > 0) return { letter: phrased.at(-1)!, method: 'phrase' };

  const parenthesised = [...text.matchAll(PARENTHESISED)].map((m) => m[1]).filter(allowed);
  // "C) Paris" picks C; "(A) fails, (B) fails, so (C)" discusses options and picks the last.
  const whole = ONLY_LETTER.exec(text)?.[1] ?? (new Set(parenthesised).size <= 1 ? LEADING.exec(text)?.[1] : undefined);
  if (allowed(whole)) return { letter: whole!, method: 'bare' };

  if (parenthesised.length > 0) return { letter: parenthesised.at(-1)!, method: 'parenthesised' };
  return undefined;
}
