/**
 * OpenAI's text_similarity grader metrics (platform.openai.com/docs/guides/graders),
 * computed here as the libraries OpenAI names compute them: fuzzy_match as
 * rapidfuzz `fuzz.ratio` / 100; bleu, gleu and meteor as NLTK's sentence
 * scores (meteor without WordNet synonyms); rouge_1..5 and rouge_l as the
 * F-measure of Google's rouge-score. Formulas: lib/text/similarity/*.ts.
 * Word metrics use lower-cased letter/number words, unspaced scripts (CJK,
 * Thai, ...) cut by Intl.Segmenter. Input and reference are normalised
 * (lib/text/normalize.ts) unless `scope: 'verbatim'`. With `pass_threshold`
 * the score is 1 at or above it, else 0. The metrics keep the libraries'
 * semantics, hazards included (shuffled words score 1 on rouge_1): see the
 * evaluation_metric description and docs/text-rules.md.
 */
import { referenceStringProblem, referenceStringShapes, referenceStrings, scopedText, scopeParam, type Scope } from './lib/text/scoped-text.ts';
import { METRICS, textSimilarity, type Metric } from './lib/text/similarity/text-similarity.ts';
import { defineReward } from './types.ts';

const paramsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    evaluation_metric: {
      enum: METRICS,
      default: 'fuzzy_match',
      description:
        "The metric, named as in OpenAI graders. The n-gram metrics ignore word order beyond n: rouge_1 scores shuffled words 1.0 and rewards any answer holding the reference's words; " +
        'when order matters use rouge_l, bleu (4-grams) or fuzzy_match, and for a short answer prefer string-check eq',
    },
    scope: scopeParam,
    pass_threshold: { type: 'number', minimum: 0, maximum: 1, description: 'When set, the score is 1 at or above it, else 0' },
    max_input_chars: { type: 'integer', minimum: 1, maximum: 1_000_000, default: 100_000, description: 'Longer inputs or references are not scored' },
  },
} as const;

interface Params {
  evaluation_metric: Metric;
  scope: Scope;
  pass_threshold?: number;
  max_input_chars: number;
}

export const reward = defineReward<Params>({
  id: 'text-similarity',
  version: 2,
  description: "OpenAI's text_similarity grader: fuzzy_match, bleu, gleu, meteor, rouge_1..rouge_5, rouge_l against the reference, in [0, 1].",
  paramsSchema,
  range: [0, 1],
  reference: { shapes: referenceStringShapes, check: referenceStringProblem },
  examples: [
    { name: 'identical answer: fuzzy_match 1', sample: { completion: '<think>...</think>The cat sat.', reference: 'The cat sat.' }, expected: 1 },
    { name: 'fuzzy_match: 2 x 3 common characters / 8', sample: { completion: 'abcd', reference: 'abce' }, expected: 0.75 },
    {
      name: 'rouge_1 F-measure: 2 of 3 words shared both ways',
      sample: { completion: 'the cat sat', reference: 'the cat ran' },
      params: { evaluation_metric: 'rouge_1' },
      expected: 2 / 3,
    },
    {
      name: 'pass_threshold turns the score into pass/fail',
      sample: { completion: 'the cat sat', reference: 'the cat ran' },
      params: { evaluation_metric: 'rouge_l', pass_threshold: 0.9 },
      expected: 0,
    },
    { name: 'no reference: not scored', sample: { completion: 'x' }, expected: null, reason: 'no_reference' },
  ],
  score(sample, params) {
    const references = referenceStrings(sample.reference, params.scope);
    if (!references) return { score: null, reason: 'no_reference' };
    const input = scopedText(sample.completion, params.scope);
    const longest = Math.max(input.length, ...references.map((r) => r.length));
    if (longest > params.max_input_chars) return { score: null, reason: 'input_too_long', details: { chars: longest, max: params.max_input_chars } };
    const similarity = textSimilarity(params.evaluation_metric, input, references);
    if (params.pass_threshold === undefined) return { score: similarity };
    return { score: similarity >= params.pass_threshold ? 1 : 0, details: { similarity } };
  },
});
