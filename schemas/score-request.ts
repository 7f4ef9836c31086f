/** POST /v1/score: groups of completions, each scored by a list of rules. */
export const groupSchema = {
  $id: 'Group',
  type: 'object',
  required: ['completions'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', maxLength: 256 },
    prompt: { type: 'string' },
    reference: { description: 'What the rules check against: a gold answer, test cases, ...' },
    metadata: { type: 'object' },
    rewards: {
      type: 'array',
      minItems: 1,
      items: { $ref: 'RewardSpec#' },
      description: "Overrides the batch's rewards for this group (mixed math/code batches)",
    },
    completions: { type: 'array', minItems: 1, items: { $ref: 'Completion#' } },
  },
} as const;

export const scoreRequestSchema = {
  $id: 'ScoreRequest',
  type: 'object',
  required: ['groups'],
  additionalProperties: false,
  properties: {
    rewards: { type: 'array', minItems: 1, items: { $ref: 'RewardSpec#' } },
    groups: { type: 'array', minItems: 1, items: { $ref: 'Group#' } },
    advantages: {
      type: 'object',
      additionalProperties: false,
      properties: {
        method: { type: 'string', enum: ['group', 'batch', 'none', 'rloo'], default: 'group' },
        epsilon: { type: 'number', minimum: 0, default: 1e-4 },
      },
    },
    aggregation: { type: 'string', enum: ['sum_then_normalize', 'normalize_then_sum'], default: 'sum_then_normalize' },
    deadline_ms: { type: 'integer', minimum: 1, maximum: 2_147_483_647, description: 'Whole-request deadline; unfinished cells return null/timeout' },
  },
  examples: [{
    rewards: [{ id: 'think-format' }],
    groups: [
      {
        id: 'q1',
        completions: ['<think>2+2 is 4</think> The answer is 4.', 'The answer is 4.'],
      },
    ],
  }],
} as const;
