/**
 * open-r1's cosine-scaled length reward (`get_cosine_scaled_reward` in
 * huggingface/open-r1 src/open_r1/rewards.py, after Yeo et al. 2025,
 * "Demystifying Long Chain-of-Thought Reasoning", arXiv:2502.03373):
 *   progress = len / max_len, cosine = cos(progress * pi)
 *   correct: r = min_value_correct + 0.5 (max_value_correct - min_value_correct)(1 + cosine)
 *   wrong:   r = max_value_wrong   + 0.5 (min_value_wrong   - max_value_wrong)(1 + cosine)
 * so short correct answers earn most and short wrong ones lose most.
 * Defaults are open-r1's function defaults; length in characters as open-r1.
 * One deliberate change, `clip_length` (default on): open-r1 lets progress
 * pass 1, so past 2·max_len the cosine climbs back and very long answers are
 * rewarded like short ones; clipping holds them at the long end.
 */
import { completionLength } from './lib/text/completion-length.ts';
import { correctnessParams, judgeCorrect } from './lib/text/correctness.ts';
import { defineReward } from './types.ts';

const value = { type: 'number', minimum: -1, maximum: 1 } as const;

const paramsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...correctnessParams,
    min_value_wrong: { ...value, default: -1, description: 'Reward of the shortest wrong answer' },
    max_value_wrong: { ...value, default: -0.5, description: 'Reward of a wrong answer at max_len' },
    min_value_correct: { ...value, default: 0.5, description: 'Reward of a correct answer at max_len' },
    max_value_correct: { ...value, default: 1, description: 'Reward of the shortest correct answer' },
    max_len: { type: 'integer', minimum: 1, default: 1000, description: 'Length at which the cosine reaches its end' },
    unit: {
      enum: ['chars', 'tokens'],
      default: 'chars',
      description: "Length unit; 'tokens' uses completion_ids / num_tokens, else an estimate of one token per UTF-8 byte (never below a real count)",
    },
    clip_length: { type: 'boolean', default: true, description: 'Hold lengths beyond max_len at max_len (open-r1 does not)' },
  },
} as const;

interface Params {
  correct_from: string;
  correct_threshold: number;
  min_value_wrong: number;
  max_value_wrong: number;
  min_value_correct: number;
  max_value_correct: number;
  max_len: number;
  unit: 'chars' | 'tokens';
  clip_length: boolean;
}

export const reward = defineReward<Params>({
  id: 'cosine-length',
  version: 2,
  description: 'open-r1 cosine-scaled length reward: shorter correct answers earn more, shorter wrong answers lose more.',
  paramsSchema,
  range: [-1, 1],
  needsVerdicts: true,
  examples: [
    { name: 'correct at max_len or beyond: min_value_correct', sample: { completion: '\\boxed{4}', reference: '4' }, params: { max_len: 5 }, expected: 0.5 },
    { name: 'correct at half of max_len: halfway between 0.5 and 1', sample: { completion: '4', reference: '4' }, params: { max_len: 2 }, expected: 0.75 },
    { name: 'wrong at max_len: max_value_wrong', sample: { completion: '5', reference: '4' }, params: { max_len: 1 }, expected: -0.5 },
    {
      name: "correctness from another rule's verdict",
      sample: { completion: 'xx', verdicts: { 'math-answer': 0 } },
      params: { correct_from: 'math-answer', max_len: 4 },
      expected: -0.75,
    },
    {
      name: 'the named verdict is null: not scored',
      sample: { completion: 'x', verdicts: { 'math-answer': null } },
      params: { correct_from: 'math-answer' },
      expected: null,
      reason: 'verdict_null',
    },
  ],
  score(sample, params, ctx) {
    const judged = judgeCorrect(sample, params.correct_from, params.correct_threshold, ctx);
    if (judged.correct === null) return { score: null, reason: judged.reason };
    const { length, source } = completionLength(sample, params.unit);
    const progress = params.clip_length ? Math.min(1, length / params.max_len) : length / params.max_len;
    const cosine = Math.cos(progress * Math.PI);
    const [low, high] = judged.correct ? [params.min_value_correct, params.max_value_correct] : [params.max_value_wrong, params.min_value_wrong]; // swapped for wrong answers, as open-r1
    const score = low + 0.5 * (high - low) * (1 + cosine);
    return { score, details: { correct: judged.correct, correct_source: judged.source, length, length_source: source } };
  },
});
