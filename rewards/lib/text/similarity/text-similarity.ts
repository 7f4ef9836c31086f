/** OpenAI's text_similarity metrics by name, over one hypothesis and one or more references. */
import { metricWords } from '../words.ts';
import { bleu } from './bleu.ts';
import { fuzzyRatio } from './fuzzy-ratio.ts';
import { gleu } from './gleu.ts';
import { meteor } from './meteor.ts';
import { rougeL, rougeN } from './rouge.ts';

export const METRICS = ['fuzzy_match', 'bleu', 'gleu', 'meteor', 'rouge_1', 'rouge_2', 'rouge_3', 'rouge_4', 'rouge_5', 'rouge_l'] as const;
export type Metric = (typeof METRICS)[number];

type WordMetric = (hypothesis: readonly string[], references: readonly (readonly string[])[]) => number;

const WORD_METRICS: Record<Exclude<Metric, 'fuzzy_match'>, WordMetric> = {
  bleu,
  gleu,
  meteor,
  rouge_1: (h, r) => rougeN(1, h, r),
  rouge_2: (h, r) => rougeN(2, h, r),
  rouge_3: (h, r) => rougeN(3, h, r),
  rouge_4: (h, r) => rougeN(4, h, r),
  rouge_5: (h, r) => rougeN(5, h, r),
  rouge_l: rougeL,
};

export function textSimilarity(metric: Metric, hypothesis: string, references: readonly string[]): number {
  if (metric === 'fuzzy_match') return Math.max(0, ...references.map((ref) => fuzzyRatio(hypothesis, ref)));
  return WORD_METRICS[metric](metricWords(hypothesis), references.map(metricWords));
}
