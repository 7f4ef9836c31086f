/**
 * Backpressure: the scoring queue is bounded by MAX_QUEUED_CELLS; beyond it a
 * request gets 503 + Retry-After at once, nothing of it is kept, and once the
 * queue drains the next request scores normally. Before any of that, admission
 * (src/admission.ts) refuses from Content-Length alone a request whose
 * estimated wait passes MAX_QUEUE_WAIT_MS, unless its caller holds less than an
 * equal share of the queue.
 */
import http from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, createGate, score } from './helpers.ts';

const MAX_QUEUED = 8;
let app: FastifyInstance;
beforeAll(async () => {
  // One worker and a cache that cannot answer for it: every cell really waits in the queue.
  app = await buildTestApp({ poolSize: 1, workerStandby: 0, maxQueuedCells: MAX_QUEUED, cacheSize: 0 });
});
afterAll(() => app.close());

const sleepBatch = (cells: number, ms: number, tag: string) => ({
  rewards: [{ id: 'test-sleep', params: { ms } }],
  groups: [{ completions: Array.from({ length: cells }, (_, i) => `${tag} ${i}`) }],
});
/** Cells that run until `gate` opens: the queue stays full for as long as the test needs it. */
const heldBatch = (cells: number, gate: { path: string }, tag: string) => ({
  rewards: [{ id: 'test-sleep', params: { gate: gate.path } }],
  groups: [{ completions: Array.from({ length: cells }, (_, i) => `${tag} ${i}`) }],
});
const queued = () => app.verdict.pools.score.stats().queued;

function heapAfterGc(): number {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  return process.memoryUsage().heapUsed;
}

describe('bounded queue', () => {
  it('refuses a request beyond the queue with 503, Retry-After and VERDICT_OVERLOADED', async () => {
    const gate = createGate();
    const busy = score(app, heldBatch(MAX_QUEUED, gate, 'busy')); // fills the queue: 8 held cells on one worker
    await expect.poll(queued, { timeout: 5_000 }).toBeGreaterThan(0);

    const response = await app.inject({ method: 'POST', url: '/v1/score', payload: sleepBatch(MAX_QUEUED, 1, 'late') });
    expect(response.statusCode).toBe(503);
    expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(response.json()).toMatchObject({ statusCode: 503, code: 'VERDICT_OVERLOADED', error: 'Service Unavailable' });

    gate.open();
    expect((await busy).status).toBe(200); // the admitted request is untouched by the refusal
    gate.remove();
  });

  it('keeps the queue and the heap bounded under a flood of refused requests', async () => {
    // Over a real socket: light-my-request itself keeps bodies a route never read.
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as { port: number };
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const post = (payload: string) =>
      new Promise<number>((resolve, reject) => {
        const request = http.request(
          { host: '127.0.0.1', port, method: 'POST', path: '/v1/score', agent, headers: { 'content-type': 'application/json' } },
          (response) => {
            response.resume();
            response.on('end', () => resolve(response.statusCode!));
          },
        );
        request.on('error', reject);
        request.end(payload);
      });
    const gate = createGate();
    const busy = score(app, heldBatch(MAX_QUEUED, gate, 'flood'));
    await expect.poll(queued, { timeout: 5_000 }).toBeGreaterThan(0);
    // 400 refused requests of 64 x 1 KB completions: ~26 MB if any of them were kept.
    const big = JSON.stringify(sleepBatch(64, 1, 'x'.repeat(1024)));
    await post(big);
    const before = heapAfterGc();
    const statuses = new Set<number>();
    let maxQueued = 0;
    for (let i = 0; i < 400; i++) {
      statuses.add(await post(big));
      maxQueued = Math.max(maxQueued, queued());
    }
    const grown = heapAfterGc() - before;
    agent.destroy();
    gate.open();
    expect((await busy).status).toBe(200);
    gate.remove();
    expect([...statuses]).toEqual([503]);
    expect(maxQueued).toBeLessThanOrEqual(MAX_QUEUED);
    expect(grown).toBeLessThan(8 * 1024 * 1024);
  });

  it('answers at deadline_ms with timeout cells while its cells still wait in a busy queue', async () => {
    const gate = createGate();
    let busyDone = false;
    const busy = score(app, heldBatch(4, gate, 'slow')).then((r) => ((busyDone = true), r)); // the worker is held until the gate opens
    await expect.poll(queued, { timeout: 5_000 }).toBeGreaterThan(0);
    const { status, body } = await score(app, { ...sleepBatch(2, 1, 'waiting'), deadline_ms: 200 });
    expect(status, JSON.stringify(body)).toBe(200);
    expect(busyDone).toBe(false); // answered before the cells ahead of it were scored
    const cells = body.groups[0].completions.map((c: { rewards: Record<string, unknown> }) => c.rewards['test-sleep']);
    expect(cells).toEqual([expect.objectContaining({ score: null, reason: 'timeout' }), expect.objectContaining({ score: null, reason: 'timeout' })]);
    gate.open();
    await busy;
    gate.remove();
  });

  it('scores the next request normally once the queue has drained', async () => {
    await expect.poll(queued, { timeout: 10_000 }).toBe(0);
    const { status, body } = await score(app, sleepBatch(MAX_QUEUED, 1, 'after'));
    expect(status).toBe(200);
    expect(body.rules['test-sleep']).toEqual({ mean: 1, scored: MAX_QUEUED, skipped: 0, failed: 0 });
  });
});

// Regression: a full pool queue said Retry-After: 1 whatever its wait, so every refused caller came back
// together a second later, again and again; admission's refusals already said their estimate.
describe('Retry-After of a full pool queue', () => {
  let learnt: FastifyInstance;
  beforeAll(async () => {
    learnt = await buildTestApp({ poolSize: 1, workerStandby: 0, maxQueuedCells: MAX_QUEUED, cacheSize: 0 });
  });
  afterAll(() => learnt.close());

  it("is admission's estimate of the queue's wait, not a fixed second", async () => {
    // The service rate is learnt from an answered request: S bytes in about 2 s of busy time.
    const learn = sleepBatch(4, 500, 'pad');
    const S = JSON.stringify(learn).length;
    expect((await learnt.inject({ method: 'POST', url: '/v1/score', payload: learn })).statusCode).toBe(200);
    // About 4 S of body waits (some 8 s at that rate: admitted under MAX_QUEUE_WAIT_MS), its cells filling the pool's queue.
    const gate = createGate();
    const busy = learnt.inject({ method: 'POST', url: '/v1/score', payload: heldBatch(MAX_QUEUED, gate, 'x'.repeat(S / 2)) });
    await expect.poll(() => learnt.verdict.pools.score.stats().queued, { timeout: 5_000 }).toBeGreaterThan(0);
    const estimate = learnt.verdict.admission.waitMs(0);
    expect(estimate).toBeGreaterThan(2_000);

    const refused = await learnt.inject({ method: 'POST', url: '/v1/score', payload: sleepBatch(MAX_QUEUED, 1, 'late') });
    expect(refused.statusCode).toBe(503);
    expect(refused.json().code).toBe('VERDICT_OVERLOADED');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(2);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    gate.open();
    expect((await busy).statusCode).toBe(200);
    gate.remove();
  });
});

describe('admission before parsing', () => {
  let admitting: FastifyInstance;
  let port: number;
  beforeAll(async () => {
    admitting = await buildTestApp({ poolSize: 1, workerStandby: 0, cacheSize: 0, maxQueueWaitMs: 5_000 });
    await admitting.listen({ host: '127.0.0.1', port: 0 });
    port = (admitting.server.address() as { port: number }).port;
  });
  afterAll(() => admitting.close());

  const as = (key: string, body: unknown) =>
    admitting.inject({ method: 'POST', url: '/v1/score', headers: { authorization: `Bearer ${key}` }, payload: body as object });

  /** Sends only the headers of a request declaring `bytes` of body, and resolves with the answer, if one comes before any byte of it. */
  function headersOnly(key: string, bytes: number, path = '/v1/score'): Promise<{ status: number; retryAfter?: string; body: string }> {
    return new Promise((resolve, reject) => {
      const request = http.request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path,
        headers: { 'content-type': 'application/json', 'content-length': String(bytes), authorization: `Bearer ${key}` },
      });
      request.on('response', (response) => {
        let body = '';
        response.on('data', (d) => (body += d));
        response.on('end', () => {
          request.destroy();
          resolve({ status: response.statusCode!, retryAfter: response.headers['retry-after'] as string | undefined, body });
        });
      });
      request.on('error', reject);
      request.flushHeaders(); // and never a byte of the body
    });
  }

  it('refuses a caller beyond its share from Content-Length alone, before its body is sent, and admits another caller within its share', async () => {
    // The service rate is learnt from answered requests: S bytes in about 2 s of busy time, so the queue
    // may hold about 2.5 S (MAX_QUEUE_WAIT_MS 5 s), and each of two callers half of that.
    const learn = sleepBatch(4, 500, 'pad');
    const S = JSON.stringify(learn).length;
    expect((await as('a', learn)).statusCode).toBe(200);

    let floodDone = false;
    const flood = as('a', sleepBatch(4, 500, 'x'.repeat(S))).then((r) => ((floodDone = true), r)); // about 3 S
    await expect.poll(() => admitting.verdict.pools.score.stats().queued, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(admitting.verdict.admission.waitMs(0)).toBeGreaterThan(5_000); // the queue holds more than it may

    const refused = await headersOnly('a', 10 * S);
    expect(refused.status).toBe(503);
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(refused.body)).toMatchObject({ code: 'VERDICT_OVERLOADED' });
    // Every route that scores is admitted the same way, from its `config.scoring` (regression: /try was not).
    for (const path of ['/v1/rewards/test-sleep/try', '/v1/graders/run', '/v1/openrlhf', '/v1/rewards/validate']) {
      const other = await headersOnly('a', 10 * S, path);
      expect({ path, status: other.status, code: JSON.parse(other.body).code }).toEqual({ path, status: 503, code: 'VERDICT_OVERLOADED' });
    }

    // Another caller, holding nothing, gets its share; its one cell takes its turn before the flood's last ones.
    const other = await as('b', sleepBatch(1, 1, 'small'));
    expect(other.statusCode).toBe(200);
    expect(floodDone).toBe(false);
    expect((await flood).statusCode).toBe(200);
  });

  it('admits any request once the queue is empty, however large', async () => {
    const big = await as('a', sleepBatch(64, 1, 'y'.repeat(4096)));
    expect(big.statusCode).toBe(200);
  });
});

// Regression: /try and /v1/graders/run queued every caller's cells as one caller's, so one caller's batch
// of tries held every other caller's behind it.
describe('callers of every scoring route take turns', () => {
  let shared: FastifyInstance;
  beforeAll(async () => {
    shared = await buildTestApp({ poolSize: 1, workerStandby: 0, cacheSize: 0 });
    // A route that scores and forgot to say so.
    shared.post('/v1/undeclared', async (request, reply) => (shared.verdict.scope(request, reply), 'scored'));
  });
  afterAll(() => shared.close());

  const as = (key: string, url: string, payload: object) => shared.inject({ method: 'POST', url, headers: { authorization: `Bearer ${key}` }, payload });
  const exact = { type: 'string_check', name: 'exact', input: '{{sample.output_text}}', reference: '{{item.answer}}', operation: 'eq' };

  it('gives no scoring machinery to a route that does not declare config.scoring, which admission would not see', async () => {
    const response = await shared.inject({ method: 'POST', url: '/v1/undeclared', payload: {} });
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('scored');
  });

  it("answers another caller's /try and grader run while one caller's long /try still waits", async () => {
    const gate = createGate(); // holds the worker until every request below is queued
    const held = as('a', '/v1/rewards/test-sleep/try', { samples: [{ completion: 'held' }], params: { gate: gate.path } });
    await expect.poll(() => shared.verdict.pools.score.stats().busy, { timeout: 10_000 }).toBe(1);
    let floodDone = false;
    const flood = as('a', '/v1/rewards/test-sleep/try', { samples: Array.from({ length: 60 }, (_, i) => ({ completion: `a ${i}` })), params: { ms: 20 } }).then(
      (r) => ((floodDone = true), r),
    );
    await expect.poll(() => shared.verdict.pools.score.stats().queued, { timeout: 10_000 }).toBeGreaterThan(0);
    const tried = as('b', '/v1/rewards/test-sleep/try', { samples: [{ completion: 'b' }], params: { ms: 1 } });
    const graded = as('c', '/v1/graders/run', { grader: exact, model_sample: 'x', item: { answer: 'x' } });
    gate.open();

    expect((await tried).statusCode).toBe(200);
    expect((await graded).json()).toMatchObject({ reward: 1 });
    expect(floodDone).toBe(false); // their cells took their turns before the flood's last ones
    expect((await flood).statusCode).toBe(200);
    expect((await held).statusCode).toBe(200);
    gate.remove();
  });
});
