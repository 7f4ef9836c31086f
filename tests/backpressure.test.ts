/**
 * Backpressure (issue 7): the scoring queue is bounded by MAX_QUEUED_CELLS;
 * beyond it a request gets 503 + Retry-After at once, nothing of it is kept,
 * and once the queue drains the next request scores normally.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, score } from './helpers.ts';

const MAX_QUEUED = 8;
let app: FastifyInstance;
beforeAll(async () => {
  // One worker and a cache that cannot answer for it: every cell really waits in the queue.
  app = await buildTestApp({ poolSize: 1, maxQueuedCells: MAX_QUEUED, cacheSize: 0 });
});
afterAll(() => app.close());

const sleepBatch = (cells: number, ms: number, tag: string) => ({
  rewards: [{ id: 'test-sleep', params: { ms } }],
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
    const busy = score(app, sleepBatch(MAX_QUEUED, 300, 'busy')); // fills the queue: 8 cells of 300 ms on one worker
    await expect.poll(queued, { timeout: 5_000 }).toBeGreaterThan(0);

    const response = await app.inject({ method: 'POST', url: '/v1/score', payload: sleepBatch(MAX_QUEUED, 1, 'late') });
    expect(response.statusCode).toBe(503);
    expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(response.json()).toMatchObject({ statusCode: 503, code: 'VERDICT_OVERLOADED', error: 'Service Unavailable' });

    expect((await busy).status).toBe(200); // the admitted request is untouched by the refusal
  });

  it('keeps the queue and the heap bounded under a flood of refused requests', async () => {
    const busy = score(app, sleepBatch(MAX_QUEUED, 250, 'flood'));
    await expect.poll(queued, { timeout: 5_000 }).toBeGreaterThan(0);
    const before = heapAfterGc();
    // 400 refused requests of 64 x 1 KB completions: ~26 MB if any of them were kept.
    const big = sleepBatch(64, 1, 'x'.repeat(1024));
    const statuses = new Set<number>();
    let maxQueued = 0;
    for (let i = 0; i < 400; i++) {
      statuses.add((await app.inject({ method: 'POST', url: '/v1/score', payload: big })).statusCode);
      maxQueued = Math.max(maxQueued, queued());
    }
    const grown = heapAfterGc() - before;
    expect([...statuses]).toEqual([503]);
    expect(maxQueued).toBeLessThanOrEqual(MAX_QUEUED);
    expect(grown).toBeLessThan(8 * 1024 * 1024);
    expect((await busy).status).toBe(200);
  });

  it('answers at deadline_ms with timeout cells while its cells still wait in a busy queue', async () => {
    const busy = score(app, sleepBatch(4, 400, 'slow')); // the worker is busy for ~1.6 s
    await expect.poll(queued, { timeout: 5_000 }).toBeGreaterThan(0);
    const started = performance.now();
    const { status, body } = await score(app, { ...sleepBatch(2, 1, 'waiting'), deadline_ms: 200 });
    expect(status).toBe(200);
    expect(performance.now() - started).toBeLessThan(1_000);
    const cells = body.groups[0].completions.map((c: { rewards: Record<string, unknown> }) => c.rewards['test-sleep']);
    expect(cells).toEqual([expect.objectContaining({ score: null, reason: 'timeout' }), expect.objectContaining({ score: null, reason: 'timeout' })]);
    await busy;
  });

  it('scores the next request normally once the queue has drained', async () => {
    await expect.poll(queued, { timeout: 10_000 }).toBe(0);
    const { status, body } = await score(app, sleepBatch(MAX_QUEUED, 1, 'after'));
    expect(status).toBe(200);
    expect(body.rules['test-sleep']).toEqual({ mean: 1, scored: MAX_QUEUED, skipped: 0, failed: 0 });
  });
});
