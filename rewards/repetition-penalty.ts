/**
 * open-r1's n-gram repetition penalty (`get_repetition_penalty_reward` in
 * huggingface/open-r1 src/open_r1/rewards.py; Yeo et al. 2025, arXiv:2502.03373,
 * appendix C.2):  r = (1 - distinct n-grams / total n-grams) * max_penalty,
 * 0 for an empty completion or one shorter than n. n-grams run over token
 * ids when the trainer sends `completion_ids`, else over open-r1's words
 * (`lower().split()`) of the normalised text (lib/text/normalize.ts: no
 * zero-width character can split a loop's words), with unspaced-script runs
 * (Chinese, Japanese, Thai, ...) cut by Intl.Segmenter as open-r1 uses jieba
 * for zh, tokens over 24 characters cut into pieces (a loop without
 * spaces), and, unlike open-r1, numbers masked by default so a loop that
 * carries a counter ("step 1 ... step 2 ...") is still a loop.
 */
import { ngramRepetition } from './lib/text/ngrams.ts';
import { repetitionUnits } from './lib/text/words.ts';
import { defineReward } from './types.ts';

const paramsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ngram_size: { type: 'integer', minimum: 1, maximum: 64, default: 3, description: 'n of the n-grams' },
    max_penalty: { type: 'number', minimum: -1, maximum: 0, default: -1, description: 'Penalty when every n-gram repeats' },
    units: {
      enum: ['auto', 'tokens', 'words'],
      default: 'auto',
      description: "'auto': token ids when sent, else words; 'tokens' requires completion_ids",
    },
    mask_numbers: {
      type: 'boolean',
      default: true,
      description: 'Over words, every number reads as 0, so "step 1 ... step 2 ..." repeats; false is open-r1 exactly (a counter hides a loop)',
    },
  },
} as const;

interface Params {
  ngram_size: number;
  max_penalty: number;
  units: 'auto' | 'tokens' | 'words';
  mask_numbers: boolean;
}

export const reward = defineReward<Params>({
  id: 'repetition-penalty',
  version: 2,
  description:
    'open-r1 n-gram repetition penalty: (1 - distinct/total n-grams) x max_penalty, over token ids or normalised words (unspaced scripts segmented, numbers masked).',
  paramsSchema,
  range: [-1, 0],
  examples: [
    { name: 'no repeated trigram: no penalty', sample: { completion: 'the cat sat on the mat' }, expected: 0 },
    { name: 'a loop: 6 trigrams, 2 distinct', sample: { completion: 'a b a b a b a b' }, expected: -(1 - 2 / 6) },
    { name: 'over token ids when sent', sample: { completion: 'ignored', completion_ids: [7, 7, 7, 7] }, params: { ngram_size: 2 }, expected: -(1 - 1 / 3) },
    { name: 'Chinese is segmented into words', sample: { completion: '我们计算我们计算我们计算' }, params: { ngram_size: 2 }, expected: -(1 - 2 / 5) },
    {
      name: 'a loop that counts is a loop: 9 trigrams, 3 distinct',
      sample: { completion: 'step 1 check step 2 check step 3 check step 4' },
      expected: -(1 - 3 / 9),
    },
    { name: 'token ids required but absent', sample: { completion: 'a b c' }, params: { units: 'tokens' }, expected: null, reason: 'no_token_ids' },
  ],
  score(sample, params) {
    const useIds = params.units === 'tokens' || (params.units === 'auto' && sample.completion_ids !== undefined);
    if (useIds && !sample.completion_ids) return { score: null, reason: 'no_token_ids' };
    const units = useIds ? sample.completion_ids! : repetitionUnits(sample.completion, { maskNumbers: params.mask_numbers });
    const repetition = ngramRepetition(units, params.ngram_size);
    // `0 *` a negative max_penalty is -0; report a plain 0.
    const score = repetition.rate === 0 ? 0 : repetition.rate * params.max_penalty;
    return { score, details: { units: useIds ? 'tokens' : 'words', ngrams: repetition.total, distinct: repetition.distinct } };
  },
});
