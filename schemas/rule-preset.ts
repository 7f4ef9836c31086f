/** Kind `preset`: a built-in rule with its params fixed, under a new id. */
import { ruleProperties } from './rule-common.ts';

export const rulePresetSchema = {
  $id: 'RulePreset',
  type: 'object',
  required: ['id', 'kind', 'rule', 'examples'],
  additionalProperties: false,
  properties: ruleProperties('preset', {
    rule: { type: 'string', description: 'A built-in rule id (see GET /v1/rewards)' },
    params: { type: 'object', default: {}, description: "The built-in's params, checked against its params schema" },
  }),
  examples: [
    {
      id: 'strict-format',
      kind: 'preset',
      description: 'think-format that also requires an <answer> block',
      rule: 'think-format',
      params: { answer_tag: true },
      examples: [
        { name: 'answer tag present', completion: '<think>2+2</think>\n<answer>4</answer>', expected: 1 },
        { name: 'bare answer', completion: '<think>2+2</think> 4', expected: 0, reason: 'missing_answer_tag' },
      ],
    },
  ],
} as const;
