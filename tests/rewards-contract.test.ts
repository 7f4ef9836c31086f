/**
 * One contract for every built-in rule, through POST /v1/score with the real
 * pools: its examples score as documented (an example whose reference the
 * rule cannot use is refused with a 400, and documents a null); the same input gives the same
 * score; empty, huge and odd-Unicode completions never error; bad params are
 * rejected.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinRewards } from '../rewards/index.ts';
import { reasons } from '../rewards/reasons.ts';
import type { RewardExample } from '../rewards/types.ts';
import { createMathEngine } from '../src/math/index.ts';
import { createParamsValidator } from '../src/registry/params-validator.ts';
import { buildTestApp, score } from './helpers.ts';

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildTestApp({ cacheSize: 0 }); // every call really runs the rule
});
afterAll(() => app.close());

interface Cell {
  score: number | null;
  reason?: string;
}

/** One group holding the example; a group-reading example sends its whole group. */
function groupOf(example: RewardExample, completion?: string) {
  const { sample } = example;
  const base = { prompt: sample.prompt, reference: sample.reference, metadata: sample.metadata };
  if (completion !== undefined) return { ...base, completions: [completion] };
  if (sample.group) return { ...base, completions: sample.group.completions };
  const tokens = sample.completion_ids || sample.num_tokens !== undefined;
  const item = tokens ? { content: sample.completion, completion_ids: sample.completion_ids, num_tokens: sample.num_tokens } : sample.completion;
  return { ...base, completions: [item] };
}

const referenceCodes = ['VERDICT_MISSING_REFERENCE', 'VERDICT_INVALID_REFERENCE'];

async function scoreExample(id: string, example: RewardExample, completion?: string): Promise<Cell> {
  const { status, body } = await score(app, { rewards: [{ id, params: example.params }], groups: [groupOf(example, completion)] });
  if (status === 400 && referenceCodes.includes(body.code)) {
    // Planning refused the group: the rule itself would answer null here, as the example documents.
    expect(body.details[0].pointer).toBe('/groups/0/reference');
    expect(example.expected, example.name).toBeNull();
    return { score: null, reason: example.reason };
  }
  expect(status, JSON.stringify(body)).toBe(200);
  const index = completion === undefined ? (example.sample.group?.index ?? 0) : 0;
  return body.groups[0].completions[index].rewards[id];
}

const odd = ['', ' \n\t ', '\u202e\u0000\uFFFF\uD800', '🙂'.repeat(1000), 'ℝ∑∫ Ω ǅ İ ß 𝔸', 'x'.repeat(1_000_000)];

// A cell that returns a promise costs its pool worker a re-armed SIGINT watchdog (src/pool/worker.ts): a rule
// of the scoring pool answers synchronously once warm (a first call may load what it needs).
describe.each(builtinRewards.filter((rule) => rule.executor !== 'sandbox').map((rule) => [rule.id, rule] as const))('%s, in a worker', (_id, rule) => {
  it('scores its examples synchronously once warm', async () => {
    const ctx = { math: createMathEngine(), deadline: Date.now() + 60_000 };
    const validator = createParamsValidator();
    const cells = rule.examples.map((example) => {
      const checked = validator.check(rule.paramsSchema, example.params, '');
      if (!('params' in checked)) throw new Error(`${example.name}: ${JSON.stringify(checked.errors)}`);
      return { name: example.name, sample: example.sample, params: checked.params as never };
    });
    for (const { sample, params } of cells) await rule.score(sample, params, ctx); // warm
    for (const { name, sample, params } of cells) expect(rule.score(sample, params, ctx), name).not.toBeInstanceOf(Promise);
  });
});

describe.each(builtinRewards.map((rule) => [rule.id, rule] as const))('%s', (id, rule) => {
  it('has a complete definition', () => {
    expect(rule.description.length).toBeGreaterThan(10);
    expect(rule.paramsSchema).toMatchObject({ type: 'object', additionalProperties: false });
    expect(rule.examples.length).toBeGreaterThanOrEqual(2);
    expect(rule.range[0]).toBeLessThan(rule.range[1]);
  });

  const runnable = rule.examples.filter((e) => !e.sample.verdicts);
  it.each(runnable.map((e) => [e.name, e] as const))('example: %s', async (_name, example) => {
    const cell = await scoreExample(id, example);
    if (example.expected === null) expect(cell.score).toBeNull();
    else expect(cell.score).toBeCloseTo(example.expected, 6);
    if (example.reason) expect(cell.reason).toBe(example.reason);
    if (cell.reason !== undefined) expect(Object.keys(reasons)).toContain(cell.reason); // the catalog (docs/errors.md) has it
  });

  it('gives the same score to the same input', async () => {
    for (const example of runnable.slice(0, 3)) {
      const [a, b] = [await scoreExample(id, example), await scoreExample(id, example)];
      expect(a.score).toEqual(b.score);
    }
  });

  it('never errors on empty, huge or odd-Unicode completions', async () => {
    const example = runnable[0] ?? rule.examples[0];
    for (const completion of odd) {
      const cell = await scoreExample(id, example, completion);
      expect(['error', 'sandbox_error', 'timeout']).not.toContain(cell.reason);
      if (cell.reason !== undefined) expect(Object.keys(reasons)).toContain(cell.reason);
      if (cell.score !== null) {
        expect(cell.score).toBeGreaterThanOrEqual(rule.range[0]);
        expect(cell.score).toBeLessThanOrEqual(rule.range[1]);
      }
    }
  });

  it('rejects params it does not know', async () => {
    const { status, body } = await score(app, {
      rewards: [{ id, params: { __not_a_param__: 1 } }],
      groups: [{ completions: ['x'] }],
    });
    expect(status).toBe(400);
    expect(body.code).toBe('VERDICT_INVALID_PARAMS');
    expect(body.details[0].pointer).toBe('/rewards/0/params');
  });

  it('is listed by GET /v1/rewards/:id with its examples', async () => {
    const response = await app.inject({ method: 'GET', url: `/v1/rewards/${id}` });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id, version: rule.version, examples: expect.any(Array) });
    expect(response.json().examples).toHaveLength(rule.examples.length);
  });
});
