/**
 * POST /v1/graders/run and /v1/graders/validate: OpenAI's grader API shapes
 * (fine_tuning/alpha/graders). The grader itself is checked by the route, so
 * an unsupported type gets its own catalog error rather than a schema mismatch.
 */
const graderSchema = {
  type: 'object',
  required: ['type'],
  properties: { type: { type: 'string', description: 'string_check, text_similarity or multi (python, score_model and label_model are not supported)' } },
  additionalProperties: true,
  description: 'OpenAI grader JSON',
} as const;

const multiExample = {
  type: 'multi',
  name: 'answer',
  graders: {
    exact: { type: 'string_check', name: 'exact', input: '{{sample.output_text}}', reference: '{{item.answer}}', operation: 'eq' },
    close: { type: 'text_similarity', name: 'close', input: '{{sample.output_text}}', reference: '{{item.answer}}', evaluation_metric: 'fuzzy_match' },
  },
  calculate_output: '0.5 * exact + 0.5 * close',
};

export const graderRunRequestSchema = {
  $id: 'GraderRunRequest',
  type: 'object',
  required: ['grader', 'model_sample'],
  additionalProperties: false,
  properties: {
    grader: graderSchema,
    model_sample: { type: 'string', description: 'The completion ({{sample.output_text}})' },
    item: { type: 'object', additionalProperties: true, description: 'The dataset row ({{item.<field>}})' },
  },
  examples: [{ grader: multiExample, model_sample: 'Paris', item: { answer: 'Paris' } }],
} as const;

export const graderRunResponseSchema = {
  $id: 'GraderRunResponse',
  type: 'object',
  required: ['reward', 'metadata', 'sub_rewards', 'model_grader_token_usage_per_model'],
  properties: {
    reward: { type: ['number', 'null'], description: 'null when a grader could not score (see metadata.errors and metadata.reasons), never a silent 0' },
    metadata: {
      type: 'object',
      properties: {
        name: { type: 'string' },
        type: { type: 'string' },
        errors: { type: 'object', additionalProperties: { type: ['boolean', 'string', 'null'] } },
        execution_time: { type: 'number', description: 'seconds' },
        scores: { type: 'object', additionalProperties: { type: ['number', 'null'] } },
        reasons: { type: 'object', additionalProperties: { type: 'string' }, description: 'Why a sub-grader scored null' },
        token_usage: { type: 'null' },
        sampled_model_name: { type: 'null' },
      },
    },
    sub_rewards: { type: 'object', additionalProperties: { type: ['number', 'null'] } },
    model_grader_token_usage_per_model: { type: 'object' },
  },
  examples: [
    {
      reward: 1,
      metadata: {
        name: 'answer',
        type: 'multi',
        errors: { formula_parse_error: false, invalid_variable_error: false, other_error: false },
        execution_time: 0.004,
        scores: { exact: 1, close: 1 },
        reasons: {},
        token_usage: null,
        sampled_model_name: null,
      },
      sub_rewards: { exact: 1, close: 1 },
      model_grader_token_usage_per_model: {},
    },
  ],
} as const;

export const graderValidateRequestSchema = {
  $id: 'GraderValidateRequest',
  type: 'object',
  required: ['grader'],
  additionalProperties: false,
  properties: { grader: graderSchema },
  examples: [{ grader: multiExample }],
} as const;

export const graderValidateResponseSchema = {
  $id: 'GraderValidateResponse',
  type: 'object',
  required: ['grader'],
  properties: {
    grader: { type: 'object', additionalProperties: true },
    rules: {
      type: 'object',
      additionalProperties: { type: 'object', properties: { id: { type: 'string' }, params: { type: 'object', additionalProperties: true } } },
      description: 'The built-in rule (and params) each grader runs as',
    },
  },
  examples: [
    {
      grader: multiExample,
      rules: {
        exact: { id: 'string-check', params: { operation: 'eq', scope: 'verbatim' } },
        close: { id: 'text-similarity', params: { evaluation_metric: 'fuzzy_match', scope: 'verbatim' } },
      },
    },
  ],
} as const;
