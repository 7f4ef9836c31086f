/**
 * The execution model through HTTP with real worker processes: a spinning rule
 * times out alone with one kill, a crashing rule fails alone, the event loop
 * stays free while the pool is saturated, and the pool recovers. Scheduling
 * details are tested against fake workers in pool-scheduling.test.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeChunk, encodeChunk } from '../src/pool/protocol.ts';
import { buildTestApp, score } from './helpers.ts';

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildTestApp({ poolSize: 2 });
});
afterAll(() => app.close());

describe('killable workers', () => {
  const restarts = () => app.verdict.pools.score.stats().restarts;

  it('times out a rule that spins forever, stopped in place without a kill, while the other cells of the batch score', async () => {
    await app.verdict.pools.score.ready();
    const before = restarts();
    const { status, body } = await score(app, {
      rewards: [{ id: 'test-spin' }],
      groups: [{ completions: ['a', 'spin', 'b', 'c', 'd', 'e'] }],
    });
    expect(status).toBe(200);
    const cells = body.groups[0].completions.map((c: { rewards: Record<string, unknown> }) => c.rewards['test-spin']);
    expect(cells[1]).toMatchObject({ score: null, reason: 'timeout', details: { timeout_ms: 500 } });
    for (const i of [0, 2, 3, 4, 5]) expect(cells[i].score).toBe(1);
    expect(body.rules['test-spin']).toMatchObject({ scored: 5, failed: 1 });
    expect(restarts() - before).toBe(0); // SIGINT stopped the spin; the worker goes on
  });

  it('kills, once, a worker whose cell spins where SIGINT cannot reach (after an await), and the rest of the batch scores', async () => {
    await app.verdict.pools.score.ready();
    const before = restarts();
    const { body } = await score(app, { rewards: [{ id: 'test-spin' }], groups: [{ completions: ['a', 'spin later', 'b', 'c'] }] });
    const cells = body.groups[0].completions.map((c: { rewards: Record<string, unknown> }) => c.rewards['test-spin']);
    expect(cells[1]).toMatchObject({ score: null, reason: 'timeout', details: { timeout_ms: 500 } });
    expect(body.rules['test-spin']).toMatchObject({ scored: 3, failed: 1 });
    expect(restarts() - before).toBe(1); // the killed worker, and only it, was replaced
  });

  it.each([
    ['spin', 0],
    ['spin later', 1],
  ])('blames exactly the cell that spins (%s) when it hides in a large chunk of fast ones; %i kill', async (spin, kills) => {
    await app.verdict.pools.score.ready();
    const before = restarts();
    // 400 cells make chunks of dozens; results flushed in batches must not be pinned on a neighbour.
    const completions = Array.from({ length: 400 }, (_, i) => (i === 150 ? spin : `fast ${i}`));
    const { body } = await score(app, { rewards: [{ id: 'test-spin' }], groups: [{ completions }] });
    const timedOut = body.groups[0].completions.flatMap((c: { rewards: Record<string, { reason?: string }> }, i: number) =>
      c.rewards['test-spin'].reason === 'timeout' ? [i] : [],
    );
    expect(timedOut).toEqual([150]);
    expect(body.rules['test-spin']).toMatchObject({ scored: 399, failed: 1 });
    expect(restarts() - before).toBe(kills);
  });

  it('fails only the cell of a rule that throws, exits its process, returns NaN or details that are not JSON', async () => {
    const { status, body } = await score(app, {
      rewards: [{ id: 'test-crash' }],
      groups: [{ completions: ['ok', 'throw', 'exit', 'nan', 'fine', 'bigint', 'cycle'] }],
    });
    expect(status).toBe(200);
    const cells = body.groups[0].completions.map(
      (c: { rewards: Record<string, { score: number; reason?: string; details?: { message: string } }> }) => c.rewards['test-crash'],
    );
    expect(cells[0].score).toBe(0.5);
    expect(cells[1]).toMatchObject({ score: null, reason: 'error', details: { message: 'boom' } });
    expect(cells[2]).toMatchObject({ score: null, reason: 'error' });
    expect(cells[2].details?.message).toContain('worker exited');
    expect(cells[3]).toMatchObject({ score: null, reason: 'error' });
    expect(cells[4].score).toBe(0.5);
    for (const cell of cells.slice(5)) {
      expect(cell).toMatchObject({ score: null, reason: 'error' });
      expect(cell.details?.message).toContain('not JSON');
    }
  });

  it('answers /healthz while every worker is busy, before the batch that keeps them busy ends', async () => {
    await app.verdict.pools.score.ready(); // replacements of workers killed above have started
    let batchDone = false;
    const busy = score(app, {
      rewards: [{ id: 'test-sleep', params: { ms: 100 } }],
      groups: [{ completions: Array.from({ length: 40 }, (_, i) => String(i)) }],
    }).then((result) => ((batchDone = true), result));
    await expect.poll(() => app.verdict.pools.score.stats().busy, { timeout: 30_000 }).toBe(2);
    for (let i = 0; i < 10; i++) {
      const res = await app.inject({ method: 'GET', url: '/healthz' });
      expect(res.statusCode).toBe(200);
    }
    expect(batchDone).toBe(false); // ten probes answered while 40 cells of 100 ms were still being scored
    const { body } = await busy;
    expect(body.rules['test-sleep'].scored).toBe(40);
  });

  it('runs its workers, standbys included, at a lower CPU priority than the process that serves HTTP (WORKER_NICENESS)', async () => {
    const childrenOf = (pid: number) =>
      fs.readdirSync('/proc').filter((entry) => {
        if (!/^\d+$/.test(entry)) return false;
        try {
          return Number(fs.readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ')[1]) === pid; // field 4: ppid
        } catch {
          return false; // ended while we looked
        }
      });
    const before = new Set(childrenOf(process.pid));
    const niced = await buildTestApp({ poolSize: 2, sandboxPoolSize: 1, workerNiceness: 10 });
    try {
      const children = childrenOf(process.pid).filter((pid) => !before.has(pid));
      expect(children.length).toBe(5); // two scoring workers and one sandbox child, each pool with one standby
      for (const pid of children) expect(os.getPriority(Number(pid))).toBe(Math.max(os.getPriority(), 10));
      for (const pid of before) expect(os.getPriority(Number(pid))).toBe(os.getPriority()); // the test apps' own: niceness 0
    } finally {
      await niced.close();
    }
  });

  it('answers at the request deadline with unfinished cells as timeout, their queued cells released', async () => {
    await app.verdict.pools.score.ready();
    const { status, body } = await score(app, {
      rewards: [{ id: 'test-sleep', params: { ms: 300 } }],
      groups: [{ completions: Array.from({ length: 12 }, (_, i) => `deadline ${i}`) }],
      deadline_ms: 450,
    });
    expect(status).toBe(200);
    // Answered while cells were still running: none waits in the queue any more.
    expect(app.verdict.pools.score.stats()).toMatchObject({ queued: 0 });
    const summary = body.rules['test-sleep'];
    expect(summary.failed).toBeGreaterThan(0);
    expect(summary.scored + summary.failed).toBe(12);
    const reasons = new Set(body.groups[0].completions.map((c: { rewards: Record<string, { reason?: string }> }) => c.rewards['test-sleep'].reason));
    expect(reasons.has('timeout')).toBe(true);
  });

  it('recovers: the next request scores normally on live workers', async () => {
    await app.verdict.pools.score.ready(); // every killed worker has been replaced
    const { body } = await score(app, { rewards: [{ id: 'think-format' }], groups: [{ completions: ['<think>a</think> b'] }] });
    expect(body.groups[0].completions[0].reward).toBe(1);
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().pools.score.alive).toBe(3);
  });

  it('keeps `size` workers alive through a kill: the standby takes over before the replacement is ready', async () => {
    await app.verdict.pools.score.ready();
    const { body } = await score(app, { rewards: [{ id: 'test-spin' }], groups: [{ completions: ['spin later'] }] });
    expect(body.groups[0].completions[0].rewards['test-spin']).toMatchObject({ score: null, reason: 'timeout' });
    // The answer comes at the kill; a replacement takes far longer to start than that.
    expect(app.verdict.pools.score.stats().alive).toBe(2);
    await app.verdict.pools.score.ready(); // so ready() waits for the replacement, not for nothing
    expect(app.verdict.pools.score.stats().alive).toBe(3);
  });
});

describe('chunk messages', () => {
  it('write a sample shared by several cells once, and give each cell its own copy back', () => {
    const sample = { completion: 'x'.repeat(1000), prompt: 'What is 2+2?', reference: { answer: '4' } };
    const params = { strict: true };
    const cells = ['a', 'b', 'c'].map((ruleId, i) => ({ id: 7 + i, ruleId, params, sample, timeoutMs: 100 }));
    const chunk = encodeChunk(cells, 7);
    expect(chunk.texts).toEqual([sample.completion, sample.prompt]); // once, not three times
    expect(chunk.chunk.length).toBeLessThan(200);
    const decoded = decodeChunk(chunk);
    expect(decoded).toEqual(cells);
    decoded[0].sample.completion = 'changed by a rule';
    expect(decoded[1].sample.completion).toBe(sample.completion);
  });

  it('write a text once however many samples carry it (a group shares its prompt)', () => {
    const prompt = 'Solve: 2+2';
    const samples = [{ completion: '4', prompt }, { completion: 'four', prompt }, { completion: '4' }];
    const cells = samples.map((sample, i) => ({ id: i, ruleId: 'r', params: {}, sample, timeoutMs: 100 }));
    const chunk = encodeChunk(cells, 0);
    expect(chunk.texts).toEqual(['4', prompt, 'four']);
    expect(decodeChunk(chunk).map((c) => c.sample)).toEqual(cells.map((c) => c.sample));
  });
});
