/** cosine-length (open-r1), length (Kimi 1.5) and overlong-penalty (DAPO): hand-computed rows, one per case. */
import { describe, expect, it } from 'vitest';
import { reward as cosineLength } from '../rewards/cosine-length.ts';
import { reward as length } from '../rewards/length.ts';
import { reward as overlong } from '../rewards/overlong-penalty.ts';
import { estimateTokens } from '../rewards/lib/text/completion-length.ts';
import type { RewardContext, Sample } from '../rewards/types.ts';

const ctx: RewardContext = { deadline: Date.now() + 60_000 };
const verdict = (v: number | null) => ({ verdicts: { acc: v } });

describe('cosine-length', () => {
  const defaults = {
    correct_from: 'acc',
    correct_threshold: 1,
    min_value_wrong: -1,
    max_value_wrong: -0.5,
    min_value_correct: 0.5,
    max_value_correct: 1,
    max_len: 1000,
    unit: 'chars',
    clip_length: true,
  } as const;
  // open-r1: min + 0.5 (max - min)(1 + cos(pi * len / max_len)), min/max swapped for wrong answers
  const openR1 = (len: number, correct: boolean, maxLen = 1000) => {
    const [lo, hi] = correct ? [0.5, 1] : [-0.5, -1];
    return lo + 0.5 * (hi - lo) * (1 + Math.cos((Math.PI * len) / maxLen));
  };
  type Row = [string, Sample, Partial<Record<keyof typeof defaults, unknown>>, number | null, string?];
  const rows: Row[] = [
    // [why, sample, params, score, reason]
    ['correct, 250 chars: open-r1 value', { completion: 'a'.repeat(250), ...verdict(1) }, {}, openR1(250, true)],
    ['wrong, 250 chars: open-r1 value', { completion: 'a'.repeat(250), ...verdict(0) }, {}, openR1(250, false)],
    ['correct and empty: max_value_correct', { completion: '', ...verdict(1) }, {}, 1],
    ['wrong and empty: min_value_wrong (short wrong answers lose most)', { completion: '', ...verdict(0) }, {}, -1],
    ['characters are code points: 10 emoji are 10, not 20', { completion: '🙂'.repeat(10), ...verdict(1) }, { max_len: 20 }, 0.75],
    ['past max_len, clipped: held at min_value_correct', { completion: 'a'.repeat(2000), ...verdict(1) }, {}, 0.5],
    ['past max_len, unclipped as open-r1: the cosine climbs back', { completion: 'a'.repeat(2000), ...verdict(1) }, { clip_length: false }, 1],
    ['partial verdict below the threshold is wrong', { completion: '', ...verdict(0.9) }, {}, -1],
    ['threshold lowered: 0.9 counts as correct', { completion: '', ...verdict(0.9) }, { correct_threshold: 0.5 }, 1],
    ['tokens from completion_ids', { completion: 'ignored', completion_ids: [1, 2, 3, 4, 5], ...verdict(1) }, { unit: 'tokens', max_len: 10 }, 0.75],
    ['tokens estimated when the trainer sends none: a byte each', { completion: 'a'.repeat(5), ...verdict(1) }, { unit: 'tokens', max_len: 10 }, 0.75],
    ['the named verdict is null: not scored', { completion: 'x', ...verdict(null) }, {}, null, 'verdict_null'],
    ['the named rule is not in the request: not scored', { completion: 'x', verdicts: {} }, {}, null, 'missing_verdict'],
    ['reference mode without a reference: not scored', { completion: 'x' }, { correct_from: 'reference' }, null, 'no_reference'],
    [
      'reference mode, exact final answer (no math engine)',
      { completion: '<think>hm</think> \\boxed{42}', reference: '42' },
      { correct_from: 'reference', max_len: 1 },
      0.5,
    ],
    ['reference mode, different answer is wrong', { completion: '\\boxed{41}', reference: '42' }, { correct_from: 'reference', max_len: 1 }, -0.5],
  ];
  it.each(rows)('%s', async (_why, sample, params, score, reason) => {
    const result = await cosineLength.score(sample, { ...defaults, ...params } as never, ctx);
    if (score === null) expect(result.score).toBeNull();
    else expect(result.score).toBeCloseTo(score, 12);
    if (reason) expect(result.reason).toBe(reason);
  });

  it('uses the math engine for reference mode when the worker has one', async () => {
    const math = { verify: (gold: string, answer: string) => ({ score: answer.includes(gold) ? 1 : 0 }) };
    const result = await cosineLength.score({ completion: 'x = 0.5', reference: '0.5' }, { ...defaults, correct_from: 'reference' } as never, { ...ctx, math });
    expect(result.details).toMatchObject({ correct: true, correct_source: 'math' });
  });
});

describe('length (Kimi 1.5, group-relative)', () => {
  const defaults = { correct_from: 'acc', correct_threshold: 1, unit: 'chars' } as const;
  const group = (completions: string[], index: number, num_tokens?: (number | null)[]) => ({
    completion: completions[index],
    group: { completions, index, num_tokens },
  });
  const texts = ['aa', 'aaaa', 'aaaaaaaaaa']; // lengths 2, 4, 10: lambda = 0.5, 0.25, -0.5
  type Row = [string, Sample, Partial<Record<keyof typeof defaults, unknown>>, number | null, string?];
  const rows: Row[] = [
    // [why, sample, params, score, reason]
    ['shortest and correct: +0.5', { ...group(texts, 0), ...verdict(1) }, {}, 0.5],
    ['middle and correct: 0.5 - 2/8', { ...group(texts, 1), ...verdict(1) }, {}, 0.25],
    ['longest and correct: -0.5', { ...group(texts, 2), ...verdict(1) }, {}, -0.5],
    ['short and wrong: min(0, 0.25) = 0', { ...group(texts, 1), ...verdict(0) }, {}, 0],
    ['long and wrong: min(0, -0.5)', { ...group(texts, 2), ...verdict(0) }, {}, -0.5],
    ['all the same length: 0', { ...group(['ab', 'cd'], 0), ...verdict(1) }, {}, 0],
    ['a group of one: 0', { ...group(['ab'], 0), ...verdict(1) }, {}, 0],
    ['token counts from the group', { ...group(texts, 0, [30, 10, 20]), ...verdict(1) }, { unit: 'tokens' }, -0.5],
    ['missing verdict: not scored', { ...group(texts, 0), ...verdict(null) }, {}, null, 'verdict_null'],
    ['no group: not scored', { completion: 'a', ...verdict(1) }, {}, null, 'no_group'],
  ];
  it.each(rows)('%s', async (_why, sample, params, score, reason) => {
    const result = await length.score(sample, { ...defaults, ...params } as never, ctx);
    if (score === null) expect(result.score).toBeNull();
    else expect(result.score).toBeCloseTo(score, 12);
    if (reason) expect(result.reason).toBe(reason);
  });

  it('says when some token counts of the group were estimated', async () => {
    const result = await length.score({ ...group(texts, 0, [3, null, 5]), ...verdict(1) }, { ...defaults, unit: 'tokens' } as never, ctx);
    expect(result.details).toMatchObject({ estimated: true });
  });
});

describe('overlong-penalty (DAPO)', () => {
  const defaults = { max_completion_len: 100, soft_punish_cache: 20, require_tokens: false };
  type Row = [string, Sample, Partial<typeof defaults>, number | null, string?];
  const rows: Row[] = [
    // [why, sample, params, score, reason]
    ['at L_max - L_cache: still 0', { completion: '', num_tokens: 80 }, {}, 0],
    ['one token into the soft zone', { completion: '', num_tokens: 81 }, {}, -1 / 20],
    ['at L_max exactly: -1 by the ramp', { completion: '', num_tokens: 100 }, {}, -1],
    ['past L_max: -1', { completion: '', num_tokens: 5000 }, {}, -1],
    ['completion_ids win over num_tokens', { completion: '', completion_ids: new Array(90).fill(0), num_tokens: 10 }, {}, -0.5],
    ['no soft zone: a hard cliff at L_max', { completion: '', num_tokens: 100 }, { soft_punish_cache: 0 }, 0],
    ['no soft zone, one past L_max', { completion: '', num_tokens: 101 }, { soft_punish_cache: 0 }, -1],
    [
      'the paper defaults: 18432 tokens is halfway into the 4096 cache',
      { completion: '', num_tokens: 18432 },
      { max_completion_len: 20480, soft_punish_cache: 4096 },
      -0.5,
    ],
    ['estimated: 90 ASCII characters are 90 tokens at most', { completion: 'a'.repeat(90) }, {}, -0.5],
    ['estimated: a CJK character is 3 bytes', { completion: '字'.repeat(30) }, {}, -0.5],
    [
      'regression: 60,000 emoji are at least 60,000 tokens, past the paper L_max',
      { completion: '😀'.repeat(60_000) },
      { max_completion_len: 20480, soft_punish_cache: 4096 },
      -1,
    ],
    ['estimates refused', { completion: 'a' }, { require_tokens: true }, null, 'no_token_counts'],
  ];
  it.each(rows)('%s', async (_why, sample, params, score, reason) => {
    const result = await overlong.score(sample, { ...defaults, ...params }, ctx);
    if (score === null) expect(result.score).toBeNull();
    else expect(result.score).toBeCloseTo(score, 12);
    if (reason) expect(result.reason).toBe(reason);
  });

  it('estimates tokens as UTF-8 bytes, never below what a byte-level tokenizer gives', () => {
    expect(estimateTokens('abcde中文é😀')).toBe(5 + 3 * 2 + 2 + 4);
    expect(estimateTokens('😀'.repeat(60_000))).toBeGreaterThanOrEqual(60_000);
  });
});
