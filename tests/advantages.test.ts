/**
 * Advantages against values computed by hand (Python's statistics.stdev, n - 1,
 * as torch.std): every method of sum_then_normalize, and normalize_then_sum.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, score } from './helpers.ts';

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(() => app.close());

// Group A = [1, 0, 0, 1], group B = [0.5, 0.5, 1, 0]; epsilon 1e-4.
const groups = [{ completions: ['1', '0', '0', '1'] }, { completions: ['0.5', '0.5', '1', '0'] }];

const expected: Record<string, number[][]> = {
  // (r - group mean) / (group std + eps): A std = sqrt(1/3), B std = sqrt(1/6)
  group: [
    [0.8658754297607016, -0.8658754297607016, -0.8658754297607016, 0.8658754297607016],
    [0, 0, 1.2244449448582857, -1.2244449448582857],
  ],
  // (r - group mean) / (std of all 8 rewards = sqrt(1.5 / 7) + eps)
  batch: [
    [1.0798901667961847, -1.0798901667961847, -1.0798901667961847, 1.0798901667961847],
    [0, 0, 1.0798901667961847, -1.0798901667961847],
  ],
  // Dr. GRPO: r - group mean
  none: [
    [0.5, -0.5, -0.5, 0.5],
    [0, 0, 0.5, -0.5],
  ],
  // RLOO: r - mean of the other three
  rloo: [
    [0.6666666666666667, -0.6666666666666666, -0.6666666666666666, 0.6666666666666667],
    [0, 0, 0.6666666666666667, -0.6666666666666666],
  ],
};

describe('sum_then_normalize', () => {
  it.each(Object.keys(expected))('method %s', async (method) => {
    const { status, body } = await score(app, { rewards: [{ id: 'test-echo' }], groups, advantages: { method } });
    expect(status).toBe(200);
    body.groups.forEach((group: { advantages: number[] }, gi: number) => {
      group.advantages.forEach((a, i) => expect(a).toBeCloseTo(expected[method][gi][i], 10));
    });
    expect(body.groups[0]).toMatchObject({ mean: 0.5, zero_std: false });
    expect(body.groups[0].std).toBeCloseTo(Math.sqrt(1 / 3), 12);
  });

  it('flags a group whose rewards are all equal', async () => {
    const { body } = await score(app, { rewards: [{ id: 'test-echo' }], groups: [{ completions: ['1', '1', '1'] }] });
    expect(body.groups[0]).toMatchObject({ advantages: [0, 0, 0], std: 0, zero_std: true });
  });

  it('gives 0, not NaN, when epsilon is 0 and the group has no spread', async () => {
    const { status, body } = await score(app, { rewards: [{ id: 'test-echo' }], groups: [{ completions: ['1', '1'] }], advantages: { epsilon: 0 } });
    expect(status).toBe(200);
    expect(body.groups[0].advantages).toEqual([0, 0]);
  });

  it('leaves unscored completions out of mean and std and gives them advantage 0', async () => {
    const { body } = await score(app, { rewards: [{ id: 'test-echo' }], groups: [{ completions: ['1', 'null', '0'] }] });
    const group = body.groups[0];
    expect(group.completions[1].reward).toBeNull();
    expect(group.mean).toBe(0.5);
    expect(group.advantages[1]).toBe(0);
    expect(group.advantages[0]).toBeCloseTo(0.5 / (Math.SQRT1_2 + 1e-4), 10);
  });

  it('sums the rules that scored, weighted, and skips the null ones', async () => {
    const { body } = await score(app, {
      rewards: [
        { id: 'test-echo', weight: 2 },
        { id: 'test-echo', name: 'second', weight: 0.5, params: { field: 1 } },
      ],
      groups: [{ completions: ['1,4', '1,null', 'null,null'] }],
    });
    expect(body.groups[0].completions.map((c: { reward: number | null }) => c.reward)).toEqual([4, 2, null]);
    expect(body.rules.second).toEqual({ mean: 4, scored: 1, skipped: 2, failed: 0 });
  });
});

describe('normalize_then_sum', () => {
  it("normalises each rule in its group, sums with weights, then normalises over the batch (TRL's definition)", async () => {
    // rule 1 = [1, 0, 1], rule 2 = [0, 1, 1], weights 1 and 0.5
    const { body } = await score(app, {
      rewards: [{ id: 'test-echo' }, { id: 'test-echo', name: 'second', weight: 0.5, params: { field: 1 } }],
      groups: [{ completions: ['1,0', '0,1', '1,1'] }],
      aggregation: 'normalize_then_sum',
    });
    const want = [0, -0.9998845232825744, 0.9998845232825744];
    body.groups[0].advantages.forEach((a: number, i: number) => expect(a).toBeCloseTo(want[i], 10));
  });
});
