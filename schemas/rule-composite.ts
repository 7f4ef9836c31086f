/**
 * Kind `composite`: several rules combined by a formula, as OpenAI's multi
 * grader does with `calculate_output`. A gate zeroes a sub-score unless
 * another sub-score reaches `min` (accuracy counts only when the format passes).
 */
import { ruleProperties, ruleRangeSchema } from './rule-common.ts';

export const ruleCompositeSchema = {
  $id: 'RuleComposite',
  type: 'object',
  required: ['id', 'kind', 'rules', 'examples'],
  additionalProperties: false,
  properties: ruleProperties('composite', {
    rules: {
      type: 'object',
      minProperties: 1,
      maxProperties: 16,
      propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]{0,31}$' },
      additionalProperties: {
        type: 'object',
        required: ['id'],
        additionalProperties: false,
        properties: {
          id: { type: 'string', description: 'A built-in or registered rule (`id` is pinned to its current version when stored)' },
          params: { type: 'object', description: 'Params of a built-in' },
        },
      },
      description: 'Sub-rules by name; the names are the formula variables',
    },
    formula: {
      type: 'string',
      maxLength: 2000,
      description: 'Arithmetic, min/max/abs, comparisons, and/or/not and `c ? a : b` over the names; default: the weighted sum',
    },
    weights: {
      type: 'object',
      additionalProperties: { type: 'number', minimum: -1e6, maximum: 1e6 },
      description: 'Weights of the default formula (1 each), within ±1e6',
    },
    gates: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        required: ['rule'],
        additionalProperties: false,
        properties: { rule: { type: 'string' }, min: { type: 'number', default: 1 } },
      },
      description: '`{ "math": { "rule": "format" } }`: math counts as 0 unless format scores at least min',
    },
    range: ruleRangeSchema,
  }),
  examples: [
    {
      id: 'format-gated-tags',
      kind: 'composite',
      rules: { format: { id: 'think-format' }, tags: { id: 'tag-count' } },
      gates: { tags: { rule: 'format' } },
      formula: '0.8 * tags + 0.2 * format',
      examples: [
        { name: 'both pass', completion: '<think>\n2+2\n</think>\n<answer>\n4\n</answer>', expected: 1 },
        { name: 'format fails, so tags are gated off', completion: 'just 4', expected: 0 },
      ],
    },
  ],
} as const;
