/**
 * The adversarial suite (tests/fixtures/math-adversarial-cases.ts): completions
 * written to get a false 1, which must all score 0 (never 1, and never null:
 * a null would spare the policy its penalty; only a gold that cannot be
 * judged may give one), and correct answers written in unusual ways, which
 * must all score 1. The figures are printed.
 */
import { describe, expect, it } from 'vitest';
import { verify } from '../src/math/index.ts';
import { accuracyTable } from './fixtures/math-accuracy-cases.ts';
import { falseOneAttempts, unusualCorrect } from './fixtures/math-adversarial-cases.ts';

describe('completions written to get a false 1', () => {
  it.each(falseOneAttempts.map((a) => [a.trick, a] as const))('%s', (_trick, a) => {
    const result = verify(a.gold, a.completion, a.params ?? {});
    if (a.goldWithoutValue) expect(result).toMatchObject({ score: null, reason: 'unparsable_gold' });
    else expect(result.score, JSON.stringify(result.details)).toBe(0);
  });

  it('are at least 150, and none scores 1', () => {
    const ones = falseOneAttempts.filter((a) => verify(a.gold, a.completion, a.params ?? {}).score === 1);
    console.log(`math adversarial: ${falseOneAttempts.length} false-1 attempts, ${ones.length} scored 1`);
    expect(falseOneAttempts.length).toBeGreaterThanOrEqual(150);
    expect(ones).toEqual([]);
  });
});

describe('correct answers written in unusual ways', () => {
  it.each(unusualCorrect.map((u) => [u.why, u] as const))('%s', (_why, u) => {
    const result = verify(u.gold, u.completion, u.params ?? {});
    expect(result.score, JSON.stringify(result.details)).toBe(1);
  });

  it('are at least 50, and all score 1', () => {
    const ones = unusualCorrect.filter((u) => verify(u.gold, u.completion, u.params ?? {}).score === 1);
    console.log(`math adversarial: ${unusualCorrect.length} unusual correct answers, ${ones.length} scored 1`);
    expect(unusualCorrect.length).toBeGreaterThanOrEqual(50);
    expect(ones).toHaveLength(unusualCorrect.length);
  });
});

describe('a correct answer plus a term too small for floats', () => {
  // Every correct pair of the accuracy table, its answer nudged by a term of 1e-7 to 1e-25 that floats lose or
  // cannot see: never 1. Decimal golds are left out: a decimal is met at its own digits, as it should be.
  const pairs = Object.values(accuracyTable)
    .flat()
    .filter(([gold, answer, expected]) => expected === 1 && !answer.startsWith('@') && !/\d\.\d/.test(gold));
  const nudges = (a: string, k: number) => [
    `(${a}) + 10^{-${k}}`,
    `(${a}) + \\sin(10^{-${k}})`,
    `(${a}) + (\\sqrt{10^{${2 * k}}+1} - 10^{${k}})`,
    `(${a}) + e^{-${k * k}}`,
  ];

  it.each([7, 12, 25])('at 1e-%i', (k) => {
    const ones = pairs.flatMap(([gold, answer]) =>
      nudges(answer, k)
        .filter((n) => verify(gold, `\\boxed{${n}}`, {}).score === 1)
        .map((n) => `${gold} <- ${n}`),
    );
    expect(pairs.length).toBeGreaterThan(200);
    expect(ones).toEqual([]);
  });
});
