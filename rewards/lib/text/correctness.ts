/**
 * Whether a completion is correct, for the length-shaping rules that scale
 * differently for right and wrong answers. From another rule's verdict in
 * the same request (`correct_from: '<rule name>'`, correct when its score
 * >= `correct_threshold`), or from `reference`: the math engine when the
 * worker has one, else the normalised final answer (last \boxed{} or the
 * text after the thinking) equal to the reference.
 */
import type { RewardContext, Sample } from '../../types.ts';
import { boxedContents } from '../boxed.ts';
import { referenceStrings } from './scoped-text.ts';
import { answerText } from './split-think.ts';

export type Correctness = { correct: boolean; source: string } | { correct: null; reason: string };

const normalize = (s: string) =>
  s
    .trim()
    .replace(/^\$+|\$+$/g, '')
    .replace(/\s+/g, ' ')
    .replace(/[.。]$/, '')
    .trim()
    .toLowerCase();

export function judgeCorrect(sample: Sample, correctFrom: string, threshold: number, ctx: RewardContext): Correctness {
  if (correctFrom !== 'reference') {
    const verdict = sample.verdicts?.[correctFrom];
    if (verdict === undefined) return { correct: null, reason: 'missing_verdict' };
    if (verdict === null) return { correct: null, reason: 'verdict_null' };
    return { correct: verdict >= threshold, source: correctFrom };
  }
  const golds = referenceStrings(sample.reference);
  if (!golds) return { correct: null, reason: 'no_reference' };
  const answer = answerText(sample.completion);
  if (ctx.math) {
    const verdicts = golds.map((gold) => ctx.math!.verify(gold, answer, {}).score);
    if (verdicts.every((v) => v === null)) return { correct: null, reason: 'unverifiable' };
    return { correct: verdicts.some((v) => v !== null && v >= threshold), source: 'math' };
  }
  const final = boxedContents(answer).at(-1) ?? answer;
  return { correct: golds.some((gold) => normalize(gold) === normalize(final)), source: 'exact' };
}

/** The params every correctness-aware rule shares, spread into its paramsSchema. */
export const correctnessParams = {
  correct_from: {
    type: 'string',
    minLength: 1,
    default: 'reference',
    description: "'reference', or the name of another rule in the request whose score says whether the answer is correct",
  },
  correct_threshold: { type: 'number', default: 1, description: 'A verdict at or above this counts as correct' },
} as const;
