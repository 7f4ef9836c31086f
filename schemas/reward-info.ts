/** What GET /v1/rewards and GET /v1/rewards/{id} show of a rule. */

/** GET /v1/rewards/tag-count, as the server answers it, its examples cut to the first two. */
const tagCountInfo = {
  id: 'tag-count',
  version: 2,
  description: "open-r1's tag_count_reward: an equal share of 1 for each format tag that appears exactly once, a pair only when it holds a word.",
  params_schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      newlines: { type: 'boolean', default: true, description: "Count open-r1's newline-delimited tags (`<think>\\n` ...)" },
      answer_tag: { type: 'boolean', default: true, description: 'Also count the <answer> tags' },
    },
  },
  range: [0, 1],
  kind: 'builtin',
  examples: [
    { name: 'all four tags once', sample: { completion: '<think>\nadd\n</think>\n<answer>\n4\n</answer>' }, expected: 1 },
    { name: 'think tags only', sample: { completion: '<think>\nadd\n</think>\n4' }, expected: 0.5 },
  ],
};

export const rewardInfoSchema = {
  $id: 'RewardInfo',
  type: 'object',
  required: ['id', 'version', 'description', 'params_schema', 'range'],
  properties: {
    id: { type: 'string' },
    version: { type: 'integer' },
    kind: { type: 'string', description: '`builtin`, or the kind of a registered rule' },
    description: { type: 'string' },
    params_schema: { type: 'object', additionalProperties: true },
    range: { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 },
    examples: {
      type: 'array',
      description: 'Runnable examples; the listing leaves them out for registered rules (GET /v1/rewards/{id} has them)',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          sample: { type: 'object', additionalProperties: true },
          params: { type: 'object', additionalProperties: true },
          expected: { type: ['number', 'null'] },
          reason: { type: 'string' },
        },
      },
    },
    deprecated: { type: 'boolean' },
    sandbox: {
      type: 'object',
      description: 'Rules that run code: the languages this server runs, and why any other is off (a cell in it scores null, sandbox_unavailable)',
      properties: {
        languages: { type: 'array', items: { type: 'string' } },
        unavailable: { type: 'object', additionalProperties: { type: 'string' } },
      },
    },
    hash: { type: 'string', description: 'Registered rules: sha256 of the stored definition' },
    created_at: { type: 'string', description: 'Registered rules: when this version was stored' },
    versions: { type: 'array', items: { type: 'integer' }, description: 'Registered rules: every version of the id' },
    definition: {
      type: 'object',
      additionalProperties: true,
      description: 'Registered rules, GET /v1/rewards/{id} only: the stored registration (without id)',
    },
    unreadable: { type: 'string', description: 'Registered rules: why the stored definition cannot be read (such a version is listed, never scored)' },
  },
  examples: [tagCountInfo],
} as const;

export const rewardListSchema = {
  $id: 'RewardList',
  type: 'object',
  required: ['rewards'],
  properties: { rewards: { type: 'array', items: { $ref: 'RewardInfo#' } } },
  // The listing holds every rule; shown here cut to one.
  examples: [{ rewards: [tagCountInfo] }],
} as const;
