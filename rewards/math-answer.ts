/**
 * DeepSeek-R1's accuracy reward: 1 when the completion's final answer is
 * mathematically equivalent to the gold, else 0 (also for an answer over the
 * engine's guard rails or work budget); null when the gold itself cannot be
 * read or judged. Extraction and equivalence are the math engine's
 * (`ctx.math`, src/math/): this rule only reads the sample and its params.
 */
import { goldAnswer, mathReferenceShapes } from './lib/math-reference.ts';
import { defineReward } from './types.ts';

const paramsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    think_only: { type: 'boolean', default: true, description: 'Search only after the last `</think>`; an unclosed `<think>` has no answer' },
    boxed_only: { type: 'boolean', default: false, description: 'Accept only a `\\boxed{}` / `\\fbox{}` answer' },
    last_number_fallback: {
      type: 'boolean',
      default: true,
      description: 'With no boxed or marked answer, take the last plain number (unless a math span comes after it)',
    },
    rel_tol: {
      type: 'number',
      minimum: 0,
      exclusiveMaximum: 1,
      default: 1e-11,
      description: 'Relative tolerance of the float check, used only where no exact form decides (trigonometric identities, unknown functions)',
    },
    round_digits: {
      type: ['integer', 'null'],
      minimum: 0,
      maximum: 15,
      default: null,
      description:
        'Also accept a decimal equal to the other side after rounding both to this many decimals (a decimal otherwise needs six significant digits against an exact value)',
    },
    decimal_comma: { type: 'boolean', default: false, description: 'Read `2,5` as 2.5 (a comma between digits that is no thousands group)' },
    allow_set_relation: {
      type: 'boolean',
      default: false,
      description: 'Accept inequalities for a gold written as a set (`x \\in [a,b]`); inequalities answered by a set are always accepted',
    },
    strict_variables: { type: 'boolean', default: true, description: 'Variable names must match (`f(x)` is not `f(y)`)' },
  },
} as const;

interface Params {
  think_only: boolean;
  boxed_only: boolean;
  last_number_fallback: boolean;
  rel_tol: number;
  round_digits: number | null;
  decimal_comma: boolean;
  allow_set_relation: boolean;
  strict_variables: boolean;
}

export const reward = defineReward<Params>({
  id: 'math-answer',
  version: 5,
  description:
    'Accuracy reward: 1 when the final answer (last \\boxed{}, "final answer is", <answer>, ...) is mathematically equivalent to the reference (LaTeX or plain; numbers, expressions, intervals, sets, tuples, matrices, equations), exact values compared exactly, else 0 (also when the answer is over the engine\'s guard rails or work budget); null when the reference cannot be parsed or judged.',
  paramsSchema,
  range: [0, 1],
  timeoutMs: 2000,
  reference: {
    shapes: mathReferenceShapes,
    check: (reference) => {
      const gold = goldAnswer(reference);
      return 'error' in gold ? gold.error : undefined;
    },
  },
  examples: [
    {
      name: 'an equal fraction in another form',
      sample: { completion: '<think>2/5 = 4/10</think> So the answer is $\\boxed{\\dfrac{4}{10}}$.', reference: '\\frac{2}{5}' },
      expected: 1,
      reason: 'match',
    },
    {
      name: 'a self-correction is judged by the last box',
      sample: { completion: 'First I get $\\boxed{12}$. Wait, I forgot the last term: $\\boxed{15}$.', reference: { answer: '15' } },
      expected: 1,
      reason: 'match',
    },
    {
      name: 'a closed end where the gold is open is wrong',
      sample: { completion: 'The solution set is $\\boxed{[2, 5)}$.', reference: '(2, 5)' },
      expected: 0,
      reason: 'mismatch',
    },
    {
      name: 'an answer only inside the reasoning does not count',
      sample: { completion: '<think>it is \\boxed{7}</think> I am not sure.', reference: '7' },
      expected: 0,
      reason: 'no_answer',
    },
    {
      name: 'a gold that cannot be parsed is skipped, not scored 0',
      sample: { completion: '\\boxed{3}', reference: '\\frac{1}{' },
      expected: null,
      reason: 'unparsable_gold',
    },
    {
      name: 'a percent equals its decimal',
      sample: { completion: 'Final Answer: The final answer is $0.28$.', reference: '28\\%' },
      expected: 1,
      reason: 'match',
    },
    {
      name: 'the same symbols grouped otherwise are wrong',
      sample: { completion: '\\boxed{\\sqrt{2+1}}', reference: '\\sqrt{2}+1' },
      expected: 0,
      reason: 'mismatch',
    },
    {
      name: 'a MATH row: the gold is the last box of its solution',
      sample: { completion: 'So $x = \\boxed{\\tfrac12}$.', reference: { problem: 'Solve 2x = 1.', solution: 'Divide by 2: $x = \\boxed{\\frac{1}{2}}$.' } },
      expected: 1,
      reason: 'match',
    },
    {
      name: 'a GSM8K answer: the number after ####',
      sample: { completion: 'She sold \\boxed{72} clips.', reference: 'In May 48/2 = <<48/2=24>>24, so 48+24 = <<48+24=72>>72.\n#### 72' },
      expected: 1,
      reason: 'match',
    },
    {
      name: 'a NuminaMath proof has no answer to compare: skipped',
      sample: { completion: '\\boxed{3}', reference: { problem: 'Prove it.', answer: 'proof' } },
      expected: null,
      reason: 'no_gold_answer',
    },
    {
      name: 'an answer over the guard rails is wrong, not skipped',
      sample: { completion: '\\boxed{1000000!}', reference: '3' },
      expected: 0,
      reason: 'answer_limit_exceeded',
    },
    {
      name: 'a value equal only in floating point is wrong',
      sample: { completion: '\\boxed{2^{1/2^{900}}}', reference: '1' },
      expected: 0,
      reason: 'mismatch',
    },
    {
      name: 'a decimal answers an exact value at six significant digits',
      sample: { completion: 'The answer is $\\boxed{0.707107}$.', reference: '\\frac{\\sqrt{2}}{2}' },
      expected: 1,
      reason: 'match',
    },
    {
      name: 'a gold is never judged by a number taken out of it',
      sample: { completion: '\\boxed{4}', reference: '\\kappa - 4' },
      expected: 0,
      reason: 'mismatch',
    },
    { name: 'two different percentages are not equal', sample: { completion: '\\boxed{0.25\\%}', reference: '25\\%' }, expected: 0, reason: 'mismatch' },
  ],
  score(sample, params, ctx) {
    if (!ctx.math) return { score: null, reason: 'error', details: { message: 'no math engine in this worker' } };
    const gold = goldAnswer(sample.reference);
    if ('error' in gold) return { score: null, reason: 'unparsable_gold', details: { message: gold.error } };
    if ('none' in gold) return { score: null, reason: 'no_gold_answer', details: { answer: gold.none } };
    return ctx.math.verify(gold.gold, sample.completion, { ...params, deadline: ctx.deadline });
  },
});
