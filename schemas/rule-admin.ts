/** POST /v1/rewards, /v1/rewards/validate, /v1/rewards/{id}/try and DELETE /v1/rewards/{id}: requests and answers. */
import { rulePresetSchema } from './rule-preset.ts';

export const ruleKinds = ['preset', 'composite', 'string-check', 'regex', 'text-similarity', 'javascript'] as const;

export const ruleRegistrationSchema = {
  $id: 'RuleRegistration',
  type: 'object',
  required: ['kind'],
  properties: { kind: { type: 'string', enum: ruleKinds } },
  discriminator: { propertyName: 'kind' },
  oneOf: [
    { $ref: 'RulePreset#' },
    { $ref: 'RuleComposite#' },
    { $ref: 'RuleStringCheck#' },
    { $ref: 'RuleRegex#' },
    { $ref: 'RuleTextSimilarity#' },
    { $ref: 'RuleJavascript#' },
  ],
  description: `A rule to register; \`kind\` is one of ${ruleKinds.join(', ')}`,
  examples: rulePresetSchema.examples,
} as const;

const exampleOutcomeSchema = {
  type: 'object',
  required: ['name', 'expected', 'score', 'passed'],
  properties: {
    name: { type: 'string' },
    expected: { type: ['number', 'null'] },
    score: { type: ['number', 'null'] },
    reason: { type: 'string' },
    details: { type: 'object', additionalProperties: true },
    passed: { type: 'boolean' },
  },
} as const;

export const ruleRegisteredSchema = {
  $id: 'RuleRegistered',
  type: 'object',
  required: ['id', 'version', 'ref', 'kind', 'hash', 'created_at', 'created', 'examples'],
  properties: {
    id: { type: 'string' },
    version: { type: 'integer' },
    ref: { type: 'string', description: '`id@version`: what score results echo' },
    kind: { type: 'string' },
    hash: { type: 'string', description: 'sha256 of the stored definition' },
    created_at: { type: 'string' },
    created: { type: 'boolean', description: 'false when the latest version already had this content (a retried registration)' },
    examples: { type: 'array', items: exampleOutcomeSchema },
  },
  examples: [
    {
      id: 'strict-format',
      version: 1,
      ref: 'strict-format@1',
      kind: 'preset',
      hash: 'sha256:3f1c…',
      created_at: '2026-11-29T06:00:00.000Z',
      created: true,
      examples: [{ name: 'answer tag present', expected: 1, score: 1, passed: true }],
    },
  ],
} as const;

export const ruleValidationSchema = {
  $id: 'RuleValidation',
  type: 'object',
  required: ['valid', 'id', 'kind', 'hash', 'examples'],
  properties: {
    valid: { type: 'boolean', const: true },
    id: { type: 'string' },
    kind: { type: 'string' },
    hash: { type: 'string' },
    examples: { type: 'array', items: exampleOutcomeSchema },
  },
} as const;

export const ruleTryRequestSchema = {
  $id: 'RuleTryRequest',
  type: 'object',
  required: ['samples'],
  additionalProperties: false,
  properties: {
    samples: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['completion'],
        additionalProperties: false,
        properties: {
          completion: { type: 'string' },
          prompt: { type: 'string' },
          reference: {},
          metadata: { type: 'object' },
        },
      },
    },
    params: { type: 'object', description: 'Params, for a built-in rule' },
  },
  examples: [{ samples: [{ completion: '<think>2+2</think>\n<answer>4</answer>' }, { completion: '4' }] }],
} as const;

export const ruleTryResponseSchema = {
  $id: 'RuleTryResponse',
  type: 'object',
  required: ['rule', 'results'],
  properties: {
    rule: { type: 'string', description: '`id@version` that scored' },
    results: { type: 'array', items: { $ref: 'CellResult#' } },
  },
} as const;

export const ruleDeprecatedSchema = {
  $id: 'RuleDeprecated',
  type: 'object',
  required: ['id', 'deprecated', 'versions'],
  properties: {
    id: { type: 'string' },
    deprecated: { type: 'boolean' },
    versions: { type: 'integer', description: 'Versions of the rule, all deprecated (still scoreable as `id@n` unless purged)' },
    purged: { type: 'boolean', description: 'true when `?purge=true` removed every version' },
  },
} as const;
