/** text-similarity metrics against published reference values (NLTK doctests, rouge-score README, rapidfuzz), then the rule. */
import { describe, expect, it } from 'vitest';
import { bleu } from '../rewards/lib/text/similarity/bleu.ts';
import { fuzzyRatio } from '../rewards/lib/text/similarity/fuzzy-ratio.ts';
import { gleu } from '../rewards/lib/text/similarity/gleu.ts';
import { meteor } from '../rewards/lib/text/similarity/meteor.ts';
import { rougeL, rougeN } from '../rewards/lib/text/similarity/rouge.ts';
import { metricWords } from '../rewards/lib/text/words.ts';
import { reward } from '../rewards/text-similarity.ts';
import type { Sample } from '../rewards/types.ts';

const ctx = { deadline: Date.now() + 60_000 };
const words = (s: string) => s.split(' ');
// NLTK's running example; its doctests print truncated digits (0.4393...), compared here rounded (bleu_score.py, gleu_score.py, meteor_score.py doctests)
const hyp1 = words('It is a guide to action which ensures that the military always obeys the commands of the party');
const hyp2 = words('It is to insure the troops forever hearing the activity guidebook that party direct');
const ref1 = words('It is a guide to action that ensures that the military will forever heed Party commands');
const ref2 = words('It is the guiding principle which guarantees the military forces always being under the command of the Party');
const ref3 = words('It is the practical guide for the army always to heed the directions of the party');

describe('metrics against published values', () => {
  type Row = [string, () => number, number, number];
  const rows: Row[] = [
    // [why, computation, expected, decimal places]
    ['NLTK sentence_bleu doctest, three references', () => bleu(hyp1, [ref1, ref2, ref3]), 0.5045666840058485, 12],
    ['BLEU without smoothing: no 4-gram in common is 0', () => bleu(hyp2, [ref1]), 0, 12],
    ['BLEU of a hypothesis shorter than 4 words is 0', () => bleu(words('the cat'), [words('the cat')]), 0, 12],
    ['NLTK sentence_gleu doctest: the the the ...', () => gleu(words('the the the the the the the'), [words('the cat is on the mat')]), 1 / 11, 12],
    ['NLTK sentence_gleu doctest hyp1', () => gleu(hyp1, [ref1]), 0.4394, 4],
    ['NLTK sentence_gleu doctest hyp2', () => gleu(hyp2, [ref1]), 0.1207, 4],
    [
      'rouge-score README rouge1 F',
      () => rougeN(1, metricWords('The quick brown dog jumps on the log.'), [metricWords('The quick brown fox jumps over the lazy dog')]),
      0.7058823529411765,
      12,
    ],
    [
      'rouge-score README rougeL F',
      () => rougeL(metricWords('The quick brown dog jumps on the log.'), [metricWords('The quick brown fox jumps over the lazy dog')]),
      0.5882352941176471,
      12,
    ],
    ['rapidfuzz fuzz.ratio("this is a test", "this is a test!") / 100', () => fuzzyRatio('this is a test', 'this is a test!'), 0.9655172413793103, 12],
    ['fuzzy ratio of two empty strings is 1 (rapidfuzz: 100)', () => fuzzyRatio('', ''), 1, 12],
    [
      'METEOR, identical 6 words: 1 chunk, penalty 0.5 (1/6)^3',
      () => meteor(words('the cat sat on the mat'), [words('the cat sat on the mat')]),
      1 - 0.5 / 216,
      12,
    ],
    ['METEOR stem stage: cats/cat, running/run (1 chunk of 2)', () => meteor(words('cats running'), [words('cat run')]), 1 - 0.5 / 8, 12],
    ['METEOR no match: 0 (NLTK doctest)', () => meteor(words('non matching hypothesis'), [words('this is a cat')]), 0, 12],
    ['METEOR swapped words: 2 chunks', () => meteor(words('b a'), [words('a b')]), 1 - 0.5 * (2 / 2) ** 3, 12],
  ];
  it.each(rows)('%s', (_why, compute, expected, digits) => {
    expect(compute()).toBeCloseTo(expected, digits);
  });

  it('keeps METEOR below NLTK where only WordNet matches (always/forever): documented', () => {
    expect(meteor(hyp1, [ref1])).toBeLessThan(0.7398);
  });
});

describe('metricWords', () => {
  it('lower-cases, drops punctuation and segments CJK', () => {
    expect(metricWords('The cat, 我们计算!')).toEqual(['the', 'cat', '我们', '计算']);
  });
  it('segments Thai into words, not one run', () => {
    expect(metricWords('เราคำนวณผลรวม')).toEqual(['เรา', 'คำนวณ', 'ผล', 'รวม']);
  });
});

describe('the rule', () => {
  const defaults = { evaluation_metric: 'fuzzy_match', scope: 'answer', max_input_chars: 100_000 };
  type Row = [string, Sample, Record<string, unknown>, number | null, string?];
  const rows: Row[] = [
    // [why, sample, params, score, reason]
    ['fuzzy on the answer only', { completion: '<think>long musing</think>abcd', reference: 'abce' }, {}, 0.75],
    ['the best of several references', { completion: 'abcd', reference: ['zzzz', 'abcd'] }, {}, 1],
    ['bleu of identical long answers is 1', { completion: 'one two three four five', reference: 'one two three four five' }, { evaluation_metric: 'bleu' }, 1],
    ['gleu of disjoint answers is 0', { completion: 'a b', reference: 'c d' }, { evaluation_metric: 'gleu' }, 0],
    ['rouge_2 F: 1 of 2 bigrams each way', { completion: 'the cat sat', reference: 'the cat ran' }, { evaluation_metric: 'rouge_2' }, 0.5],
    ['rouge_5 of short answers has no 5-grams: 0', { completion: 'a b', reference: 'a b' }, { evaluation_metric: 'rouge_5' }, 0],
    ['rouge_l on CJK words', { completion: '我们计算总和', reference: '我们计算' }, { evaluation_metric: 'rouge_l' }, 0.8],
    ['pass_threshold met exactly passes', { completion: 'abcd', reference: 'abce' }, { pass_threshold: 0.75 }, 1],
    ['empty answer against a reference: 0', { completion: '', reference: 'abc' }, {}, 0],
    ['a reference longer than max_input_chars: not scored', { completion: 'a', reference: 'a'.repeat(20) }, { max_input_chars: 10 }, null, 'input_too_long'],
    ['no reference: not scored', { completion: 'a' }, {}, null, 'no_reference'],
    ['regression: zero-width characters do not cut a fuzzy match', { completion: 'a\u200bb\u200bc\u200bd', reference: 'abcd' }, {}, 1],
    ['verbatim: fuzzy over the completion as sent', { completion: 'a\u200bbcd', reference: 'abcd' }, { scope: 'verbatim' }, 8 / 9],
    ['hazard kept: rouge_1 scores shuffled words 1', { completion: 'sat cat the', reference: 'the cat sat' }, { evaluation_metric: 'rouge_1' }, 1],
    ['the safer choice when order matters: rouge_l', { completion: 'sat cat the', reference: 'the cat sat' }, { evaluation_metric: 'rouge_l' }, 1 / 3],
  ];
  it.each(rows)('%s', async (_why, sample, params, score, reason) => {
    const result = await reward.score(sample, { ...defaults, ...params } as never, ctx);
    if (score === null) expect(result.score).toBeNull();
    else expect(result.score).toBeCloseTo(score, 12);
    if (reason) expect(result.reason).toBe(reason);
  });

  it('scores a 20k-character fuzzy match without a quadratic blow-up', async () => {
    const text = 'lorem ipsum dolor sit amet '.repeat(750);
    const started = performance.now();
    await reward.score({ completion: text, reference: text.replace(/o/g, '0') }, defaults as never, ctx);
    expect(performance.now() - started).toBeLessThan(5000); // ~0.1 s here; generous for a loaded CI machine
  });
});
