/** POST /v1/score: groups of completions, each scored by a list of rules. */
import { rewardSpecSchema } from './reward-spec.ts';

const { $id: _id, examples: _examples, ...rewardSpecFields } = rewardSpecSchema;

/**
 * A rule spec, or its id alone: `"math-answer"` is `{ "id": "math-answer" }`. One schema over both
 * types rather than anyOf, so the spec's defaults are still filled in (ajv ignores defaults under anyOf).
 */
const rewardList = {
  type: 'array',
  minItems: 1,
  items: {
    ...rewardSpecFields,
    type: ['object', 'string'],
    pattern: rewardSpecSchema.properties.id.pattern,
    description: 'A rule spec (RewardSpec), or its id alone',
  },
} as const;

export const groupSchema = {
  $id: 'Group',
  type: 'object',
  required: ['completions'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', maxLength: 256 },
    prompt: {
      anyOf: [{ type: 'string' }, { type: 'array', minItems: 1, items: { $ref: 'Message#' } }],
      description: 'Text, or a conversation (its last user message is the prompt rules read)',
    },
    reference: { description: 'What the rules check against: a gold answer, test cases, ... (a rule that needs one refuses a group without it: 400)' },
    metadata: { type: 'object' },
    rewards: { ...rewardList, description: "Overrides the batch's rewards for this group (mixed math/code batches)" },
    completions: { type: 'array', minItems: 1, items: { $ref: 'Completion#' } },
  },
} as const;

export const scoreRequestSchema = {
  $id: 'ScoreRequest',
  type: 'object',
  required: ['groups'],
  additionalProperties: false,
  properties: {
    rewards: rewardList,
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
  examples: [
    {
      rewards: [{ id: 'think-format' }],
      groups: [
        {
          id: 'q1',
          completions: ['<think>2+2 is 4</think> The answer is 4.', 'The answer is 4.'],
        },
      ],
    },
  ],
} as const;
