/** Kind `javascript`: the source of `score(sample)`, run in the code sandbox's child processes. */
import { ruleProperties, ruleRangeSchema } from './rule-common.ts';

export const ruleJavascriptSchema = {
  $id: 'RuleJavascript',
  type: 'object',
  required: ['id', 'kind', 'source', 'examples'],
  additionalProperties: false,
  properties: ruleProperties('javascript', {
    source: {
      type: 'string',
      minLength: 1,
      description: 'Defines `function score(sample)` returning a number or `{ score, details }`; sample = { completion, prompt, reference, metadata }',
    },
    range: ruleRangeSchema,
  }),
  examples: [
    {
      id: 'mentions-answer',
      kind: 'javascript',
      source: 'function score(sample) {\n  return sample.completion.includes(String(sample.reference)) ? 1 : 0;\n}',
      examples: [
        { completion: 'The answer is 42.', reference: 42, expected: 1 },
        { completion: 'No idea.', reference: 42, expected: 0 },
      ],
    },
  ],
} as const;
