/** The math engine's verdicts per category (tests/fixtures/math-equivalence-cases.ts), near misses included. */
import { describe, expect, it } from 'vitest';
import { verify } from '../src/math/index.ts';
import { categories } from './fixtures/math-equivalence-cases.ts';

describe.each(Object.entries(categories))('%s', (_category, cases) => {
  it.each(cases.map((c) => [c.why, c] as const))('%s', (_why, c) => {
    const result = verify(c.gold, c.answer, c.params ?? {});
    expect(result.score, JSON.stringify(result.details)).toBe(c.expected);
    expect(result.reason).toBe(c.reason ?? (c.expected ? 'match' : 'mismatch'));
  });
});

describe('verdict details', () => {
  it('explain both sides, their normal forms and the comparison path', () => {
    const { details } = verify('\\frac{2}{5}', 'so \\boxed{\\dfrac{4}{10}}', {});
    expect(details).toMatchObject({
      gold: '\\frac{2}{5}',
      answer: '\\dfrac{4}{10}',
      gold_normal: '2 / 5',
      answer_normal: '4 / 10',
      source: 'boxed',
      path: 'exact',
      reason: 'match',
    });
  });

  it('gives the same verdict every time (seeded identity test)', () => {
    const runs = Array.from({ length: 5 }, () => verify('\\tan^2(y)+1', '\\boxed{\\sec^2 y}', {}).score);
    expect(new Set(runs)).toEqual(new Set([1]));
  });
});

describe('reason codes', () => {
  it.each([
    // No box, marker or math at all: wrong, not skipped.
    ['7', 'I think it is seven', {}, 0, 'no_answer'],
    // The box holds broken LaTeX.
    ['7', '\\boxed{\\frac{1}{}', {}, 0, 'unparsable_answer'],
    // A broken gold is never a silent 0.
    ['\\frac{1}{', '\\boxed{3}', {}, null, 'unparsable_gold'],
    // Last-number fallback only when asked for.
    ['12', 'there are 12 of them', { last_number_fallback: true }, 1, 'match'],
  ] as const)('%s vs %s', (gold, answer, params, score, reason) => {
    const result = verify(gold, answer, params);
    expect(result.score).toBe(score);
    expect(result.reason).toBe(reason);
  });

  it('rejects a bad option with a message naming it', () => {
    expect(() => verify('1', '1', { rel_tol: 'big' })).toThrow(/rel_tol/);
  });
});
