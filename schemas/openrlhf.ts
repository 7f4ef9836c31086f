/**
 * POST /v1/openrlhf: OpenRLHF's remote reward request (`--remote_rm_url`) and
 * answer. OpenRLHF posts `{ query, prompts, labels }` (openrlhf/utils/remote_rm_utils.py)
 * and reads `rewards` (and, in newer versions, `scores` and `extra_logs`).
 */
export const openRlhfRequestSchema = {
  $id: 'OpenRlhfRequest',
  type: 'object',
  required: ['query'],
  properties: {
    query: { type: 'array', items: { type: 'string' }, description: 'Prompt + response as the chat template rendered them, one per sample' },
    prompts: { type: 'array', items: { type: 'string' }, description: 'The prompts alone; a query that starts with its prompt is scored without it' },
    labels: {
      type: 'array',
      items: {},
      description: 'The reference per sample (`--label_key`); a string holding a JSON object or array is parsed',
    },
  },
  examples: [
    {
      query: ['<|user|>What is 6*7?<|assistant|><think>6*7=42</think>The answer is \\boxed{42}.', '<|user|>What is 6*7?<|assistant|>It is 41.'],
      prompts: ['<|user|>What is 6*7?<|assistant|>', '<|user|>What is 6*7?<|assistant|>'],
      labels: ['42', '42'],
    },
  ],
} as const;

export const openRlhfResponseSchema = {
  $id: 'OpenRlhfResponse',
  type: 'object',
  required: ['rewards', 'scores', 'extra_logs'],
  properties: {
    rewards: { type: 'array', items: { type: 'number' }, description: "Verdict's reward per sample; 0 where no rule could score (see extra_logs.scored)" },
    scores: { type: 'array', items: { type: 'number' }, description: 'The same values, for dynamic filtering' },
    extra_logs: {
      type: 'object',
      additionalProperties: { type: 'array', items: { type: 'number' } },
      description: 'Per rule, its score per sample (0 where null); `scored` is 1 where the reward is a real score, 0 where it was null',
    },
    warnings: { type: 'array', items: { type: 'object', additionalProperties: true }, description: 'As in POST /v1/score: rules that mostly could not score' },
  },
  examples: [{ rewards: [1, 0], scores: [1, 0], extra_logs: { 'math-answer': [1, 0], scored: [1, 1] }, warnings: [] }],
} as const;
