/** Kind `string-check`: OpenAI's string_check grader JSON, as-is, under `grader`. */
import { ruleProperties } from './rule-common.ts';

/** `input` and `reference` as OpenAI graders write them (templates or literals). */
export const graderTextFields = {
  name: { type: 'string' },
  input: { type: 'string', default: '{{sample.output_text}}', description: 'Only {{sample.output_text}}: the completion' },
  reference: { type: 'string', description: "{{item.<field>}}: the group's `reference` (send that field's value there); or a literal string" },
} as const;

export const ruleStringCheckSchema = {
  $id: 'RuleStringCheck',
  type: 'object',
  required: ['id', 'kind', 'grader', 'examples'],
  additionalProperties: false,
  properties: ruleProperties('string-check', {
    grader: {
      type: 'object',
      required: ['type', 'reference', 'operation'],
      additionalProperties: false,
      properties: {
        type: { type: 'string', const: 'string_check' },
        ...graderTextFields,
        operation: { type: 'string', enum: ['eq', 'ne', 'like', 'ilike'] },
      },
    },
  }),
  examples: [
    {
      id: 'exact-answer',
      kind: 'string-check',
      grader: { type: 'string_check', name: 'exact', input: '{{sample.output_text}}', reference: '{{item.answer}}', operation: 'eq' },
      examples: [
        { completion: 'Paris', reference: 'Paris', expected: 1 },
        { completion: 'paris', reference: 'Paris', expected: 0 },
      ],
    },
  ],
} as const;
