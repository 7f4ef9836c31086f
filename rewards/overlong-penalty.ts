/**
 * DAPO's soft overlong punishment (Yu et al. 2025, arXiv:2503.14476, eq. 13),
 * as TRL's `get_soft_overlong_punishment` (trl/rewards/other_rewards.py):
 *   0                                   if L <= L_max - L_cache
 *   ((L_max - L_cache) - L) / L_cache   if L_max - L_cache < L <= L_max
 *   -1                                  if L > L_max
 * L counts tokens: `completion_ids` or `num_tokens` when the trainer sends
 * them, else an estimate that is never below a real tokenizer's count (one
 * token per UTF-8 byte: lib/text/completion-length.ts), reported in
 * `details.length_source`; `require_tokens` refuses to estimate.
 * Defaults are the paper's (L_max 20480, L_cache 4096).
 */
import { completionLength } from './lib/text/completion-length.ts';
import { defineReward } from './types.ts';

const paramsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    max_completion_len: { type: 'integer', minimum: 1, default: 20480, description: 'L_max, in tokens' },
    soft_punish_cache: { type: 'integer', minimum: 0, default: 4096, description: 'L_cache: the soft zone before L_max, in tokens' },
    require_tokens: { type: 'boolean', default: false, description: 'Without completion_ids / num_tokens, do not estimate: not scored' },
  },
} as const;

interface Params {
  max_completion_len: number;
  soft_punish_cache: number;
  require_tokens: boolean;
}

export const reward = defineReward<Params>({
  id: 'overlong-penalty',
  version: 2,
  description: 'DAPO soft overlong punishment: 0 until L_max - L_cache tokens, then a linear ramp to -1 at L_max, -1 beyond.',
  paramsSchema,
  range: [-1, 0],
  examples: [
    {
      name: 'within the budget: no penalty',
      sample: { completion: 'x', num_tokens: 100 },
      params: { max_completion_len: 200, soft_punish_cache: 50 },
      expected: 0,
    },
    {
      name: 'halfway into the soft zone: -0.5',
      sample: { completion: 'x', num_tokens: 175 },
      params: { max_completion_len: 200, soft_punish_cache: 50 },
      expected: -0.5,
    },
    { name: 'past L_max: -1', sample: { completion: 'x', completion_ids: [1, 2, 3] }, params: { max_completion_len: 2, soft_punish_cache: 1 }, expected: -1 },
    {
      name: 'estimated from text: 10 bytes count as 10 tokens',
      sample: { completion: 'a'.repeat(10) },
      params: { max_completion_len: 12, soft_punish_cache: 4 },
      expected: -0.5,
    },
    {
      name: 'an emoji flood is not cheap: 5 emoji are 20 bytes, past L_max 19',
      sample: { completion: '😀'.repeat(5) },
      params: { max_completion_len: 19, soft_punish_cache: 1 },
      expected: -1,
    },
    { name: 'no token counts and estimates refused', sample: { completion: 'x' }, params: { require_tokens: true }, expected: null, reason: 'no_token_counts' },
  ],
  score(sample, params) {
    const { length, source } = completionLength(sample, 'tokens');
    if (source === 'estimate' && params.require_tokens) return { score: null, reason: 'no_token_counts' };
    const { max_completion_len: max, soft_punish_cache: cache } = params;
    const details = { length, length_source: source };
    if (length <= max - cache) return { score: 0, details };
    if (length <= max) return { score: (max - cache - length) / cache, details };
    return { score: -1, details };
  },
});
