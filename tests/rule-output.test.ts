/**
 * What a rule returns is bounded: a cell's details (CELL_DETAILS_LIMIT_BYTES,
 * cut with a `_truncated` flag), the details of a whole response
 * (RESPONSE_DETAILS_LIMIT_BYTES) and the cell cache (CACHE_LIMIT_BYTES).
 * Regression: a registered javascript rule returned 4 MB of details per cell,
 * the cache kept them, and the server died of out-of-memory after 24 requests.
 * Also: a JavaScript rule returning NaN or Infinity is an error of the rule
 * (runtime_error), not a skip; weights are finite and bounded.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capCellDetails, createDetailsBudget } from '../src/scoring/cap-details.ts';
import { createCellCache } from '../src/scoring/cell-cache.ts';
import type { ScoreResponse } from '../src/scoring/types.ts';
import { buildTestApp, score } from './helpers.ts';

const js = (id: string, source: string, expected: number | null, reason?: string) => ({
  id,
  kind: 'javascript',
  source,
  range: [0, 1],
  examples: [{ completion: 'a', expected, ...(reason ? { reason } : {}) }],
});
// 600 kB of details a cell (below the sandbox's 1 MiB output cap, far above the 16 KiB details cap)
const chatty = js('chatty', 'function score(s) { return { score: 1, details: { kept: s.completion.length, big: "x".repeat(600000) } }; }', 1);
const tenKb = js('ten-kb', 'function score(s) { return { score: 1, details: { pad: "y".repeat(10000) } }; }', 1);
// {"pad":"y...y"}: 1,010 bytes serialized, far below the 6,026 its upper bound allows for (6 bytes a character)
const oneKb = js('one-kb', 'function score(s) { return { score: 1, details: { pad: "y".repeat(1000) } }; }', 1);

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildTestApp({ poolSize: 1, sandboxPoolSize: 1, pythonSandbox: 'off', responseDetailsLimitBytes: 50_000, cacheLimitBytes: 200_000 });
  for (const rule of [chatty, tenKb, oneKb]) {
    const response = await app.inject({ method: 'POST', url: '/v1/rewards', payload: rule });
    expect(response.statusCode, response.body).toBe(201);
  }
});
afterAll(() => app?.close());

describe('details of a cell', () => {
  it('cuts 600 kB of details to 16 KiB, keeping the entries that fit and saying so', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/score',
      payload: { rewards: [{ id: 'chatty' }], groups: [{ completions: ['one', 'three'] }] },
    });
    expect(response.statusCode).toBe(200);
    for (const [i, completion] of response.json().groups[0].completions.entries()) {
      expect(completion.rewards.chatty).toMatchObject({
        score: 1,
        details: { kept: i === 0 ? 3 : 5, _truncated: { limit: 16_384, by: 'CELL_DETAILS_LIMIT_BYTES', bytes: expect.any(Number) } },
      });
      expect(completion.rewards.chatty.details._truncated.bytes).toBeGreaterThan(600_000);
      expect(completion.rewards.chatty.details.big).toBeUndefined();
    }
    expect(response.body.length).toBeLessThan(10_000);
  });

  it('keeps the cache within CACHE_LIMIT_BYTES and the server answering over 40 requests of chatty cells', async () => {
    for (let i = 0; i < 40; i++) {
      const completions = Array.from({ length: 4 }, (_, c) => `request ${i} completion ${c}`);
      const response = await app.inject({
        method: 'POST',
        url: '/v1/score',
        payload: { rewards: [{ id: 'chatty' }, { id: 'think-format' }], groups: [{ completions }] },
      });
      expect(response.statusCode).toBe(200);
      expect(response.body.length).toBeLessThan(20_000);
      const { bytes } = app.verdict.cache!.size();
      expect(bytes).toBeLessThanOrEqual(200_000);
    }
    expect(app.verdict.cache!.size().entries).toBeGreaterThan(0);
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });
});

describe('details of a response', () => {
  it('spends RESPONSE_DETAILS_LIMIT_BYTES, then keeps only the flag; every score is still there', async () => {
    const completions = Array.from({ length: 8 }, (_, i) => `c${i}`);
    const { status, body } = await score(app, { rewards: [{ id: 'ten-kb' }], groups: [{ completions }] });
    expect(status).toBe(200);
    const cells = (body as ScoreResponse).groups[0].completions.map((c) => c.rewards['ten-kb']);
    expect(cells.every((c) => c.score === 1)).toBe(true);
    const kept = cells.filter((c) => typeof c.details?.pad === 'string').length;
    const cut = cells.filter((c) => (c.details?._truncated as { by?: string } | undefined)?.by === 'RESPONSE_DETAILS_LIMIT_BYTES');
    expect(kept).toBe(4); // 4 x 10 kB fit in 50,000 bytes, the fifth does not
    expect(cut).toHaveLength(4);
    expect(cut[0].details).toEqual({ _truncated: { bytes: expect.any(Number), limit: 50_000, by: 'RESPONSE_DETAILS_LIMIT_BYTES' } });
  });

  const pad = (text: string) => ({ pad: text });
  const bytes = (details: object) => Buffer.byteLength(JSON.stringify(details));
  // [why, details taken in order, limit, how many keep their details]
  const budgets: Array<[string, Array<Record<string, unknown>>, number, number]> = [
    // bounds fit for three, then the fourth's does not: what was taken is measured, and 19 fit
    ['taken on bounds, then measured', Array.from({ length: 25 }, () => pad('a'.repeat(1_000))), 20_000, 19],
    // é is 2 bytes of UTF-8, a quote 2 escaped, a control character 6: exactly the limit still fits
    ['multi-byte and escaped characters, to the byte', [pad('é"\u0001'), pad('é"\u0001')], bytes(pad('é"\u0001')), 1],
    ['one byte short', [pad('é"\u0001')], bytes(pad('é"\u0001')) - 1, 0],
    // once spent, a smaller one after it is cut too: later cells keep only the flag
    ['spent stays spent', [pad('a'.repeat(100)), pad('b'.repeat(200)), pad('c')], 300, 1],
  ];
  it.each(budgets)('budget: %s', (_why, taken, limit, keep) => {
    const budget = createDetailsBudget(limit);
    const results = taken.map((details) => budget.take(details));
    expect(results.filter((r, i) => r === taken[i])).toHaveLength(keep);
    expect(results.slice(keep).every((r) => '_truncated' in r)).toBe(true);
    expect(taken.slice(0, keep).reduce((n, d) => n + bytes(d), 0)).toBeLessThanOrEqual(limit);
  });

  // Regression: details were charged their upper bound whenever it fit, so 9 of these, 9 kB, spent 50,000 bytes.
  it('charges the details their serialized bytes, so it cuts at RESPONSE_DETAILS_LIMIT_BYTES and not a sixth of it', async () => {
    const completions = Array.from({ length: 60 }, (_, i) => `c${i}`);
    const response = await app.inject({ method: 'POST', url: '/v1/score', payload: { rewards: [{ id: 'one-kb' }], groups: [{ completions }] } });
    expect(response.statusCode).toBe(200);
    const cells = (response.json() as ScoreResponse).groups[0].completions.map((c) => c.rewards['one-kb']);
    const kept = cells.filter((c) => typeof c.details?.pad === 'string');
    expect(JSON.stringify(kept[0].details).length).toBe(1_010);
    expect(kept).toHaveLength(49); // 49 x 1,010 bytes fit in 50,000; a 50th does not
    expect(cells.slice(49).every((c) => c.score === 1 && c.details?._truncated !== undefined)).toBe(true);
  });
});

describe('the cell cache', () => {
  it('holds at most its bytes, whatever the entry count allows, and no entry larger than itself', () => {
    const cache = createCellCache(1_000, 100_000);
    // As the server does: every outcome passes the cell cap first, which measures what it must.
    const outcome = capCellDetails({ score: 1, ms: 1, details: { pad: 'z'.repeat(16_000) } }, 16_384);
    for (let i = 0; i < 100; i++) cache.set(`k${i}`, outcome);
    expect(cache.size().bytes).toBeLessThanOrEqual(100_000);
    expect(cache.size().entries).toBe(6); // 6 x (16,012 + 256) bytes
    expect(cache.get('k99')).toBeDefined(); // least recently used went first
    expect(cache.get('k0')).toBeUndefined();
    cache.set('huge', { score: 1, ms: 1, details: { pad: 'z'.repeat(200_000) } });
    expect(cache.get('huge')).toBeUndefined();
  });

  // Regression: an entry whose details the cell cap had not needed to measure was charged their upper bound,
  // up to 6 times their size, so the cache held a fraction of CACHE_LIMIT_BYTES.
  it('charges each entry its serialized bytes, measured or not by the cell cap', () => {
    const cache = createCellCache(1_000, 100_000);
    for (let i = 0; i < 100; i++) cache.set(`k${i}`, capCellDetails({ score: 1, ms: 1, details: { pad: 'z'.repeat(1_000) } }, 16_384));
    expect(cache.size().entries).toBe(78); // 78 x (1,010 + 256) bytes fit in 100,000
    expect(cache.size().bytes).toBe(78 * 1_266);
  });
});

describe('what a rule returns', () => {
  // [why, source, reason]: NaN and Infinity used to become JSON null, i.e. skipped_by_rule
  const cases: Array<[string, string, string]> = [
    ['NaN is an error of the rule', 'function score() { return NaN; }', 'runtime_error'],
    ['Infinity as { score } is an error of the rule', 'function score() { return { score: Infinity }; }', 'runtime_error'],
    ['NaN inside details is an error of the rule', 'function score() { return { score: 1, details: { ratio: 0 / 0 } }; }', 'runtime_error'],
    ['null is still a skip', 'function score() { return null; }', 'skipped_by_rule'],
  ];
  it.each(cases)('%s', async (_why, source, reason) => {
    const response = await app.inject({ method: 'POST', url: '/v1/rewards/js-function/try', payload: { samples: [{ completion: 'a' }], params: { source } } });
    expect(response.statusCode).toBe(200);
    expect(response.json().results[0]).toMatchObject({ score: null, reason });
  });

  // [why, weight, status]
  const weights: Array<[string, number | string, number]> = [
    ['a weight of 1e6 is accepted', 1e6, 200],
    ['a weight of -1e6 is accepted', -1e6, 200],
    ['a weight of 1e308 made rewards null: refused', 1e308, 400],
    ['1e400 parses as Infinity: refused', '1e400', 400],
  ];
  it.each(weights)('%s', async (_why, weight, status) => {
    const payload = `{"rewards":[{"id":"think-format","weight":${weight}},{"id":"tag-count"}],"groups":[{"completions":["<think>a</think> 4"]}]}`;
    const response = await app.inject({ method: 'POST', url: '/v1/score', payload, headers: { 'content-type': 'application/json' } });
    expect(response.statusCode).toBe(status);
    if (status === 400) expect(response.json().details[0].pointer).toBe('/rewards/0/weight');
    else expect(Number.isFinite(response.json().groups[0].completions[0].reward)).toBe(true);
  });

  it('refuses composite weights and ranges beyond ±1e6', async () => {
    const composite = {
      id: 'heavy',
      kind: 'composite',
      rules: { a: { id: 'think-format' } },
      weights: { a: 1e300 },
      examples: [{ completion: 'a', expected: 0 }],
    };
    const response = await app.inject({ method: 'POST', url: '/v1/rewards/validate', payload: composite });
    expect(response.statusCode).toBe(400);
    const ranged = await app.inject({
      method: 'POST',
      url: '/v1/rewards/validate',
      payload: { ...js('wide', 'function score() { return 1; }', 1), range: [0, 1e300] },
    });
    expect(ranged.statusCode).toBe(400);
  });
});
