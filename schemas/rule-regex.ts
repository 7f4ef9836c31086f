/** Kind `regex`: a regex grader in OpenAI's grader style, under `grader`; 1 when the pattern matches the completion. */
import { ruleProperties } from './rule-common.ts';
import { graderTextFields } from './rule-string-check.ts';

export const ruleRegexSchema = {
  $id: 'RuleRegex',
  type: 'object',
  required: ['id', 'kind', 'grader', 'examples'],
  additionalProperties: false,
  properties: ruleProperties('regex', {
    grader: {
      type: 'object',
      required: ['type', 'pattern'],
      additionalProperties: false,
      properties: {
        type: { type: 'string', const: 'regex' },
        name: graderTextFields.name,
        input: graderTextFields.input,
        pattern: { type: 'string', minLength: 1, description: 'RE2 syntax (linear time: no backreferences or lookaround)' },
        flags: { type: 'string', pattern: '^[ims]*$', description: 'i: ignore case, m: ^ and $ at line ends, s: . matches newlines' },
        full_match: { type: 'boolean', description: 'The pattern must match the whole answer' },
      },
    },
  }),
  examples: [
    {
      id: 'final-answer-line',
      kind: 'regex',
      grader: { type: 'regex', name: 'final', input: '{{sample.output_text}}', pattern: '^Final answer: \\d+$', flags: 'm' },
      examples: [
        { completion: 'work...\nFinal answer: 12', expected: 1 },
        { completion: 'The answer is 12', expected: 0 },
      ],
    },
  ],
} as const;
