/** What GET /v1/rewards and GET /v1/rewards/{id} show of a rule. */
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
} as const;

export const rewardListSchema = {
  $id: 'RewardList',
  type: 'object',
  required: ['rewards'],
  properties: { rewards: { type: 'array', items: { $ref: 'RewardInfo#' } } },
} as const;
