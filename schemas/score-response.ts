/** The result of one rule on one completion. `score: null` = could not score (see `reason`), which is not 0. */
export const cellResultSchema = {
  $id: 'CellResult',
  type: 'object',
  required: ['score', 'ms', 'version'],
  properties: {
    score: { type: ['number', 'null'] },
    reason: {
      type: 'string',
      description: 'Reason code (docs/errors.md lists them all): why the score is null, or what a 0 or 1 means, e.g. timeout, unparsable_gold, empty_think',
    },
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
  // The server's answer to ScoreRequest's example (tests/docs.test.ts sends it and compares, times aside).
  examples: [
    {
      groups: [
        {
          id: 'q1',
          completions: [
            {
              reward: 1,
              rewards: {
                'think-format': {
                  score: 1,
                  ms: 3.026,
                  version: 'think-format@3',
                  details: { flags: { think_blocks: 1, tag_count: 2, boxed_in_answer: 0, distinct_boxed: 0, repetition_rate: 0 } },
                },
              },
            },
            {
              reward: 0,
              rewards: {
                'think-format': {
                  score: 0,
                  ms: 0.886,
                  version: 'think-format@3',
                  reason: 'missing_think',
                  details: { flags: { think_blocks: 0, tag_count: 0, boxed_in_answer: 0, distinct_boxed: 0, repetition_rate: 0 } },
                },
              },
            },
          ],
          advantages: [0.7070067953266834, -0.7070067953266834],
          mean: 0.5,
          std: 0.7071067811865476,
          zero_std: false,
        },
      ],
      rules: { 'think-format': { mean: 0.5, scored: 2, skipped: 0, failed: 0 } },
      warnings: [],
      timing: { total_ms: 13.435, cells: 2, unique_cells: 2 },
    },
  ],
} as const;
