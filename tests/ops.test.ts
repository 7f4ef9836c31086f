/** Operations through HTTP: metrics, the cross-request cache, Idempotency-Key, NDJSON streaming, draining (jobs: jobs.test.ts). */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildTestApp, createGate, score } from './helpers.ts';

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(() => app.close());

const metricValue = (text: string, line: string) => {
  const found = text.split('\n').find((l) => l.startsWith(line));
  return found ? Number(found.slice(line.length).trim()) : 0;
};
const scrape = async () => (await app.inject({ method: 'GET', url: '/metrics' })).body;

describe('/metrics', () => {
  it('exposes request latency, per-rule latency, cells by outcome, queue depth and busy workers', async () => {
    await score(app, { rewards: [{ id: 'test-spin' }], groups: [{ completions: ['ok', 'spin later'] }] });
    const text = await scrape();
    expect(text).toContain('verdict_http_request_duration_seconds_bucket');
    expect(text).toContain('verdict_rule_duration_seconds_bucket{le="0.001",rule="test-spin"}');
    expect(metricValue(text, 'verdict_cells_total{rule="test-spin",outcome="scored"}')).toBeGreaterThanOrEqual(1);
    expect(metricValue(text, 'verdict_cells_total{rule="test-spin",outcome="timeout"}')).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/verdict_queue_depth\{pool="score"\} \d+/);
    expect(text).toMatch(/verdict_busy_workers\{pool="sandbox"\} \d+/);
    await vi.waitFor(async () => expect(metricValue(await scrape(), 'verdict_worker_restarts_total{pool="score"}')).toBeGreaterThanOrEqual(1));
  });
});

describe('cache across requests', () => {
  it('answers a repeated cell from the cache with the same result', async () => {
    const body = { rewards: [{ id: 'think-format' }], groups: [{ completions: ['<think>cache me</think> 7'] }] };
    const before = metricValue(await scrape(), 'verdict_cache_hits_total');
    const first = await score(app, body);
    const second = await score(app, body);
    expect(second.body.groups[0].completions[0].rewards).toEqual(first.body.groups[0].completions[0].rewards);
    expect(metricValue(await scrape(), 'verdict_cache_hits_total')).toBe(before + 1);
  });

  it('does not cache timeouts: the next request runs the cell again', async () => {
    const body = { rewards: [{ id: 'test-spin' }], groups: [{ completions: ['spin'] }] };
    await score(app, body);
    const before = metricValue(await scrape(), 'verdict_cells_total{rule="test-spin",outcome="timeout"}');
    await score(app, body);
    expect(metricValue(await scrape(), 'verdict_cells_total{rule="test-spin",outcome="timeout"}')).toBe(before + 1);
  });
});

describe('Idempotency-Key', () => {
  const body = { rewards: [{ id: 'test-sleep', params: { ms: 20 } }], groups: [{ completions: ['a', 'b'] }] };

  it('returns the stored response for a retried request, even one sent while the first still runs', async () => {
    const send = () => app.inject({ method: 'POST', url: '/v1/score', headers: { 'idempotency-key': 'step-1' }, payload: body });
    const [a, b] = await Promise.all([send(), send()]);
    const c = await send();
    expect([a.statusCode, b.statusCode, c.statusCode]).toEqual([200, 200, 200]);
    expect(b.json()).toEqual(a.json());
    expect(c.json().timing).toEqual(a.json().timing); // the same response, not a new scoring
    expect(c.headers['idempotent-replayed']).toBe('true');
  });

  it('refuses the same key with a different body', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/score',
      headers: { 'idempotency-key': 'step-1' },
      payload: { ...body, groups: [{ completions: ['other'] }] },
    });
    expect(response.statusCode).toBe(422);
    expect(response.json().code).toBe('VERDICT_IDEMPOTENCY_CONFLICT');
  });
});

describe('NDJSON streaming', () => {
  it('writes one line per group as it finishes, then a summary line', async () => {
    // Both workers up and warm (one may just have been respawned after the timeout test above and still be
    // loading the rule), so the fast group's order does not depend on a cold start on a loaded CI machine.
    await app.verdict.pools.score.ready();
    await score(app, { rewards: [{ id: 'test-sleep', params: { ms: 1 } }], groups: [{ completions: ['w1', 'w2', 'w3', 'w4'] }] });
    // The slow group's cell runs until the fast group's two cells have been scored.
    const gate = createGate();
    const scored = async () => metricValue(await scrape(), 'verdict_cells_total{rule="test-sleep",outcome="scored"}');
    const before = await scored();
    const answer = app.inject({
      method: 'POST',
      url: '/v1/score',
      headers: { accept: 'application/x-ndjson' },
      payload: {
        rewards: [{ id: 'test-sleep', params: { ms: 1 } }],
        groups: [
          { id: 'slow', rewards: [{ id: 'test-sleep', params: { gate: gate.path } }], completions: ['a'] },
          { id: 'fast', completions: ['b', 'c'] },
        ],
      },
    });
    await expect.poll(scored, { timeout: 30_000 }).toBe(before + 2);
    gate.open();
    const response = await answer;
    gate.remove();
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('application/x-ndjson');
    const lines = response.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id ?? 'summary')).toEqual(['fast', 'slow', 'summary']); // the fast group is not held back
    expect(lines[0]).toMatchObject({ index: 1, advantages: [0, 0] });
    expect(lines[2]).toMatchObject({ done: true, rules: { 'test-sleep': { scored: 3 } } });
  });

  it('answers bad input with a normal 4xx error, not a stream', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/score',
      headers: { accept: 'application/x-ndjson' },
      payload: { rewards: [{ id: 'nope' }], groups: [{ completions: ['a'] }] },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('VERDICT_UNKNOWN_REWARD');
  });
});

describe('draining', () => {
  it('fails /readyz while draining and keeps /healthz up', async () => {
    app.verdict.state.draining = true;
    try {
      const ready = await app.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toMatchObject({ status: 'unavailable', reason: 'draining' });
      expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      app.verdict.state.draining = false;
    }
  });

  it.each([
    ['/v1/score', { rewards: ['think-format'], groups: [{ completions: ['x'] }] }],
    ['/v1/rewards/think-format/try', { samples: [{ completion: 'x' }] }],
    ['/v1/graders/run', { grader: { type: 'string_check', name: 'a', input: '{{sample.output_text}}', reference: 'x', operation: 'eq' }, model_sample: 'x' }],
    ['/v1/rewards/validate', { id: 'drained', kind: 'preset', rule: 'think-format', examples: [{ completion: 'x', expected: 0 }] }],
    ['/v1/jobs', { rewards: ['think-format'], groups: [{ completions: ['x'] }] }],
  ])('refuses new work on %s while draining, so a balancer sends it elsewhere', async (url, payload) => {
    app.verdict.state.draining = true;
    try {
      const response = await app.inject({ method: 'POST', url, payload });
      expect(response.statusCode).toBe(503);
      expect(response.json().code).toBe('VERDICT_SHUTTING_DOWN');
    } finally {
      app.verdict.state.draining = false;
    }
  });

  it('answers a registration whose examples the end of a shutdown cut short with 503, not "examples failed"', async () => {
    const stopped = await buildTestApp({ poolSize: 1, workerStandby: 0, cacheSize: 0 });
    const gate = createGate(); // never opened: only the shutdown ends the example
    try {
      const rule = { id: 'held', kind: 'preset', rule: 'test-sleep', params: { gate: gate.path }, examples: [{ completion: 'x', expected: 1 }] };
      const registering = stopped.inject({ method: 'POST', url: '/v1/rewards', payload: rule });
      await expect.poll(() => stopped.verdict.pools.score.stats().busy, { timeout: 10_000 }).toBe(1);
      stopped.verdict.state.stopping.abort(new Error('server shutting down'));
      const response = await registering;
      expect(response.statusCode).toBe(503);
      expect(response.json().code).toBe('VERDICT_SHUTTING_DOWN');
      expect((await stopped.inject({ url: '/v1/rewards/held' })).statusCode).toBe(404); // nothing stored
    } finally {
      gate.open();
      await stopped.close();
      gate.remove();
    }
  });
});
