/**
 * Multiple-choice accuracy: the option letter the answer picks (boxed,
 * "Answer: C", a bare letter, "(C)": lib/text/choice-letter.ts) equals the
 * reference letter. 1 or 0; an answer naming several different letters in
 * its most explicit form ("A or C", "(A)(B)") is a hedge and scores 0, and a
 * ruled-out letter ("not (C)", "C is wrong") is no choice. The reference is
 * a letter ("C", "(C)") or a 0-based option index (2 = C). The answer is
 * read normalised (lib/text/normalize.ts), so a fullwidth Ｃ is C and a
 * zero-width character cannot hide a second letter.
 */
import { extractChoice } from './lib/text/choice-letter.ts';
import { scopedText, scopeParam, type Scope } from './lib/text/scoped-text.ts';
import { defineReward } from './types.ts';

const paramsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    letters: { type: 'string', pattern: '^[A-Z]+$', default: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', description: 'The option letters' },
    scope: scopeParam,
  },
} as const;

interface Params {
  letters: string;
  scope: Scope;
}

function referenceLetter(reference: unknown, letters: string): string | undefined {
  if (typeof reference === 'number') return Number.isInteger(reference) ? letters[reference] : undefined;
  if (typeof reference !== 'string') return undefined;
  const letter = /^[\s([]*([A-Za-z])[\s)\].]*$/.exec(reference)?.[1]?.toUpperCase();
  return letter && letters.includes(letter) ? letter : undefined;
}

export const reward = defineReward<Params>({
  id: 'multiple-choice',
  version: 3,
  description:
    'Multiple-choice accuracy: the extracted option letter (A-Z; boxed, "Answer: C", bare, "(C)") equals the reference; several letters are a hedge (0).',
  paramsSchema,
  range: [0, 1],
  reference: {
    shapes: 'an option letter ("C", "(C)") or a 0-based option index (2 = C)',
    check: (reference, params) =>
      referenceLetter(reference, params.letters) ? undefined : `${JSON.stringify(reference)?.slice(0, 40)} is not one of the letters ${params.letters}`,
  },
  examples: [
    { name: 'boxed letter', sample: { completion: '<think>B is wrong</think> \\boxed{C}', reference: 'C' }, expected: 1 },
    { name: '"The answer is (B)" against index 2 (C)', sample: { completion: 'The answer is (B).', reference: 2 }, expected: 0, reason: 'wrong_choice' },
    { name: 'hedging over two boxed letters', sample: { completion: '\\boxed{A} or \\boxed{C}', reference: 'C' }, expected: 0, reason: 'multiple_choices' },
    { name: 'hedging over a list of letters', sample: { completion: 'The answer is (A) or (C).', reference: 'C' }, expected: 0, reason: 'multiple_choices' },
    { name: 'a ruled-out letter is no choice', sample: { completion: 'Not (C).', reference: 'C' }, expected: 0, reason: 'no_choice' },
    { name: 'a fullwidth letter is the letter', sample: { completion: 'Answer: Ｃ', reference: 'C' }, expected: 1 },
    { name: 'no letter found', sample: { completion: 'Paris', reference: 'A' }, expected: 0, reason: 'no_choice' },
    { name: 'unusable reference: not scored', sample: { completion: 'A', reference: 'Paris' }, expected: null, reason: 'no_reference' },
  ],
  score(sample, params) {
    const expected = referenceLetter(sample.reference, params.letters);
    if (!expected) return { score: null, reason: 'no_reference' };
    const choice = extractChoice(scopedText(sample.completion, params.scope), params.letters);
    if (!choice) return { score: 0, reason: 'no_choice', details: { expected } };
    if ('letters' in choice) return { score: 0, reason: 'multiple_choices', details: { expected, found: choice.letters, method: choice.method } };
    const details = { expected, found: choice.letter, method: choice.method };
    return choice.letter === expected ? { score: 1, details } : { score: 0, reason: 'wrong_choice', details };
  },
});
