/**
 * math-answer through POST /v1/score with the real worker pool: crafted
 * pathological answers end as wrong at the engine's limits (answer_limit_exceeded), a gold over
 * the limits as null, while the other cells of the same batch score normally.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildTestApp, score } from './helpers.ts';

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildTestApp({ cacheSize: 0 });
  // Warm-up: every worker loads the engine once, before the batch.
  await score(app, { rewards: [{ id: 'math-answer' }], groups: [{ reference: '1', completions: ['\\boxed{1}', '\\boxed{2}', '\\boxed{3}', '\\boxed{4}'] }] });
});
afterAll(() => app.close());

it('isolates pathological answers within one batch', async () => {
  const tripleSum = '\\sum_{i=1}^{2000} \\sum_{j=1}^{2000} \\sum_{k=1}^{2000} i j k';
  const groups = [
    // Correct: an equal fraction.
    { reference: '\\frac{2}{5}', completions: ['\\boxed{\\frac{4}{10}}'], want: [1, 'match'] },
    // A power tower is refused by the engine's limits: a wrong answer, not an unjudgeable one.
    { reference: '5', completions: ['\\boxed{10^{10^{10}}}'], want: [0, 'answer_limit_exceeded'] },
    // So are eight billion terms of nested sums, each within the per-sum limit.
    { reference: '5', completions: [`\\boxed{${tripleSum}}`], want: [0, 'answer_limit_exceeded'] },
    // A gold over the limits cannot be judged.
    { reference: '10^{10^{10}}', completions: ['\\boxed{5}'], want: [null, 'limit_exceeded'] },
    // Wrong: swapped tuple entries, scored after the slow cell.
    { reference: '(-2, \\frac{1}{2})', completions: ['\\boxed{(0.5, -2)}'], want: [0, 'mismatch'] },
    // Reference as { answer }.
    { reference: { answer: '28\\%' }, completions: ['The final answer is $0.28$.'], want: [1, 'match'] },
  ];
  // No request deadline: the engine's work limits end these cells (answer_limit_exceeded), and a cell
  // they failed to stop would end at its own timeout, with reason timeout, which the table refuses.
  const { status, body } = await score(app, {
    rewards: [{ id: 'math-answer' }],
    groups: groups.map(({ reference, completions }) => ({ reference, completions })),
  });
  expect(status, JSON.stringify(body)).toBe(200);
  groups.forEach((g, i) => {
    const cell = body.groups[i].completions[0].rewards['math-answer'];
    expect([cell.score, cell.reason], JSON.stringify(cell)).toEqual(g.want);
  });
});

it('scores 0 for a relation whose answer side holds a term floats cannot see', async () => {
  // Through the rule as a trainer calls it: each of these is x > 1 (or y = x) to doubles, none is to exact values.
  const tricks = ['x + \\sin(10^{-20}) > 1', 'x - \\sin(10^{-20}) > 1', 'x + 10^{-20}\\cos(x) > 1', 'x > 1 + \\sin(10^{-20})'];
  const groups = [
    { reference: 'x > 1', completions: [...tricks.map((t) => `\\boxed{${t}}`), '\\boxed{2x > 2}'] },
    { reference: 'x \\ge 1', completions: ['\\boxed{x + \\tan(10^{-30}) \\ge 1}'] },
    { reference: 'y = x', completions: ['\\boxed{y - \\tan(10^{-30}) = x}', '\\boxed{y - x = 0}'] },
    { reference: 'x > \\sin(1)', completions: ['\\boxed{x > \\sin 1}', '\\boxed{x - \\sin 1 > 0}'] },
  ];
  const { status, body } = await score(app, { rewards: [{ id: 'math-answer' }], groups });
  expect(status, JSON.stringify(body)).toBe(200);
  const scores = body.groups.map((g: { completions: { rewards: Record<string, { score: number | null }> }[] }) =>
    g.completions.map((c) => c.rewards['math-answer']!.score),
  );
  expect(scores).toEqual([[0, 0, 0, 0, 1], [0], [0, 1], [1, 1]]);
});

it('is listed with its examples', async () => {
  const response = await app.inject({ method: 'GET', url: '/v1/rewards/math-answer' });
  expect(response.statusCode).toBe(200);
  expect(response.json()).toMatchObject({ id: 'math-answer', version: 5 });
  expect(response.json().examples.length).toBeGreaterThanOrEqual(3);
});
