/** The result of one rule on one completion. `score: null` = could not score (see `reason`), which is not 0. */
export const cellResultSchema = {
  $id: 'CellResult',
  type: 'object',
  required: ['score', 'ms', 'version'],
  properties: {
    score: { type: ['number', 'null'] },
    reason: { type: 'string', description: 'Reason code, e.g. timeout, error, unparsable_gold, empty_think' },
    details: { type: 'object', additionalProperties: true },
    ms: { type: 'number', description: 'Time spent scoring this cell, in ms' },
    version: { type: 'string', description: 'id@version of the rule that scored it' },
  },
} as const;

export const scoreResponseSchema = {
  $id: 'ScoreResponse',
  type: 'object',
  required: ['groups', 'rules', 'warnings', 'timing'],
  properties: {
    groups: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'completions', 'advantages', 'mean', 'std', 'zero_std'],
        properties: {
          id: { type: 'string' },
          completions: {
            type: 'array',
            items: {
              type: 'object',
              required: ['reward', 'rewards'],
              properties: {
                reward: { type: ['number', 'null'], description: 'Weighted sum over the rules that scored; null when none did' },
                rewards: { type: 'object', additionalProperties: { $ref: 'CellResult#' } },
                error: { type: 'string' },
              },
            },
          },
          advantages: { type: 'array', items: { type: 'number' } },
          mean: { type: ['number', 'null'] },
          std: { type: ['number', 'null'] },
          zero_std: { type: 'boolean', description: 'All scored rewards of the group are equal: no learning signal' },
        },
      },
    },
    rules: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        properties: {
          mean: { type: ['number', 'null'] },
          scored: { type: 'integer' },
          skipped: { type: 'integer' },
          failed: { type: 'integer' },
        },
      },
    },
    warnings: {
      type: 'array',
      description: 'Rules that could not score (null) more than NULL_WARN_PERCENT of their cells in this batch',
      items: {
        type: 'object',
        required: ['code', 'rule', 'nulls', 'cells', 'reasons', 'message'],
        properties: {
          code: { type: 'string', enum: ['null_share'] },
          rule: { type: 'string', description: "The rule's key in the results" },
          nulls: { type: 'integer' },
          cells: { type: 'integer' },
          reasons: {
            type: 'array',
            description: 'The most frequent reasons, most frequent first (at most 3)',
            items: { type: 'object', required: ['reason', 'count'], properties: { reason: { type: 'string' }, count: { type: 'integer' } } },
          },
          message: { type: 'string' },
        },
      },
    },
    timing: {
      type: 'object',
      properties: { total_ms: { type: 'number' }, cells: { type: 'integer' }, unique_cells: { type: 'integer' } },
    },
  },
} as const;
