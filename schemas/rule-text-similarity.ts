/** Kind `text-similarity`: OpenAI's text_similarity grader JSON, as-is, under `grader`; the score is the metric (or pass/fail with pass_threshold). */
import { ruleProperties } from './rule-common.ts';
import { graderTextFields } from './rule-string-check.ts';

export const ruleTextSimilaritySchema = {
  $id: 'RuleTextSimilarity',
  type: 'object',
  required: ['id', 'kind', 'grader', 'examples'],
  additionalProperties: false,
  properties: ruleProperties('text-similarity', {
    grader: {
      type: 'object',
      required: ['type', 'reference', 'evaluation_metric'],
      additionalProperties: false,
      properties: {
        type: { type: 'string', const: 'text_similarity' },
        ...graderTextFields,
        evaluation_metric: {
          type: 'string',
          enum: ['fuzzy_match', 'bleu', 'gleu', 'meteor', 'cosine', 'rouge_1', 'rouge_2', 'rouge_3', 'rouge_4', 'rouge_5', 'rouge_l'],
          description: 'Those the built-in text-similarity rule implements (see GET /v1/rewards/text-similarity)',
        },
        pass_threshold: { type: 'number', minimum: 0, maximum: 1, description: 'As in evals JSON: when set, the score is 1 at or above it, else 0' },
      },
    },
  }),
  examples: [
    {
      id: 'summary-fuzzy',
      kind: 'text-similarity',
      grader: { type: 'text_similarity', name: 'fuzzy', input: '{{sample.output_text}}', reference: '{{item.summary}}', evaluation_metric: 'fuzzy_match' },
      examples: [{ completion: 'the cat sat', reference: 'the cat sat', expected: 1 }],
    },
  ],
} as const;
