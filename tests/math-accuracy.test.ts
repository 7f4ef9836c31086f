/**
 * The accuracy table (tests/fixtures/math-accuracy-cases.ts): several hundred
 * gold/answer pairs of the kinds other graders are measured on, near misses
 * included. Every row is a test; the overall figure is printed.
 */
import { describe, expect, it } from 'vitest';
import { verify } from '../src/math/index.ts';
import { accuracyTable, type Row } from './fixtures/math-accuracy-cases.ts';

const completionOf = (answer: string) => (answer.startsWith('@') ? answer.slice(1) : `The final answer is $\\boxed{${answer}}$.`);

describe.each(Object.entries(accuracyTable))('%s', (_source, rows) => {
  it.each(rows.map((r) => [r[3], r] as const))('%s', (_why, [gold, answer, expected]: Row) => {
    const result = verify(gold, completionOf(answer), {});
    expect(result.score, JSON.stringify(result.details)).toBe(expected);
  });
});

it('reports the accuracy over the whole table', () => {
  const rows = Object.values(accuracyTable).flat();
  const scored = rows.map(([gold, answer, expected]) => ({ expected, score: verify(gold, completionOf(answer), {}).score }));
  const right = scored.filter((r) => r.score === r.expected).length;
  const falseOnes = scored.filter((r) => r.score === 1 && r.expected === 0).length;
  console.log(
    `math accuracy table: ${right}/${rows.length} (${((100 * right) / rows.length).toFixed(1)} %), ${scored.filter((r) => r.expected === 0).length} near misses, ${falseOnes} false 1`,
  );
  expect(rows.length).toBeGreaterThanOrEqual(300);
  expect(falseOnes).toBe(0);
  expect(right / rows.length).toBeGreaterThanOrEqual(0.97);
});
