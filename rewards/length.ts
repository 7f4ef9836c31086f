/**
 * Kimi k1.5's length penalty (Kimi Team 2025, arXiv:2501.12599, section
 * 2.3.3), as open-r1 implements it (`len_reward` in huggingface/open-r1
 * src/open_r1/rewards.py), relative to the group of completions:
 *   lambda = 0.5 - (len - min_len) / (max_len - min_len)
 *   correct: r = lambda;  wrong: r = min(0, lambda)
 * and 0 for every completion when all lengths are equal. Lengths in
 * characters as open-r1 (the paper counts tokens: `unit: 'tokens'`).
 */
import { codePoints, estimateTokens, type LengthUnit } from './lib/text/completion-length.ts';
import { correctnessParams, judgeCorrect } from './lib/text/correctness.ts';
import { defineReward } from './types.ts';

const paramsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...correctnessParams,
    unit: {
      enum: ['chars', 'tokens'],
      default: 'chars',
      description:
        "Length unit; 'tokens' uses each completion's completion_ids / num_tokens, else an estimate of one token per UTF-8 byte (never below a real count)",
    },
  },
} as const;

interface Params {
  correct_from: string;
  correct_threshold: number;
  unit: LengthUnit;
}

export const reward = defineReward<Params>({
  id: 'length',
  version: 2,
  description: "Kimi 1.5 length penalty, group-relative: the group's shortest answers earn up to +0.5, its longest lose up to -0.5 (wrong answers never gain).",
  paramsSchema,
  range: [-0.5, 0.5],
  needsGroup: true,
  needsVerdicts: true,
  examples: [
    {
      name: 'shortest correct answer of the group: +0.5',
      sample: { completion: '4', reference: '4', group: { completions: ['4', 'so it is 4'], index: 0 } },
      expected: 0.5,
    },
    {
      name: "longest answer of the group, correct by another rule's verdict: -0.5",
      sample: { completion: 'so it is 4', verdicts: { 'math-answer': 1 }, group: { completions: ['4', 'so it is 4'], index: 1 } },
      params: { correct_from: 'math-answer' },
      expected: -0.5,
    },
    {
      name: 'a short wrong answer gains nothing: min(0, 0.5)',
      sample: { completion: '5', reference: '4', group: { completions: ['5', 'so it is 4'], index: 0 } },
      expected: 0,
    },
    {
      name: 'all lengths equal: 0',
      sample: { completion: 'ab', reference: 'ab', group: { completions: ['ab', 'cd'], index: 0 } },
      expected: 0,
    },
  ],
  score(sample, params, ctx) {
    if (!sample.group) return { score: null, reason: 'no_group' };
    const judged = judgeCorrect(sample, params.correct_from, params.correct_threshold, ctx);
    if (judged.correct === null) return { score: null, reason: judged.reason };
    const { completions, index, num_tokens } = sample.group;
    const estimated = params.unit === 'tokens' && completions.some((_, i) => num_tokens?.[i] == null);
    const lengths = completions.map((text, i) => (params.unit === 'chars' ? codePoints(text) : (num_tokens?.[i] ?? estimateTokens(text))));
    const min = Math.min(...lengths);
    const max = Math.max(...lengths);
    const details = { correct: judged.correct, correct_source: judged.source, length: lengths[index], min_len: min, max_len: max, estimated };
    if (max === min) return { score: 0, details };
    const lambda = 0.5 - (lengths[index] - min) / (max - min);
    return { score: judged.correct ? lambda : Math.min(0, lambda), details };
  },
});
