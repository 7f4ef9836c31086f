/**
 * The pool's scheduling against fake workers (tests/fake-worker.ts): who runs
 * what, in which order, how many kills; no process is started and nothing is
 * asserted about time.
 */
import { describe, expect, it } from 'vitest';
import { createPool, type Pool, type PoolOptions } from '../src/pool/pool.ts';
import type { CellOutcome } from '../src/pool/protocol.ts';
import { createFakeWorkers, type FakeWorkers } from './fake-worker.ts';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const DEADLINE_MS = 30; // the fake's `spin` and `stuck` cells reach it; every other cell finishes at once

function fakePool(fakes: FakeWorkers, options: Partial<PoolOptions> = {}): Pool {
  return createPool({
    name: 'test',
    size: 1,
    standby: 1,
    niceness: 0,
    worker: { kind: 'score', rewardModules: [] },
    maxQueued: 100_000,
    retryOnce: false,
    crashReason: 'error',
    timeoutReason: 'timeout',
    logger: silent,
    startWorker: fakes.startWorker,
    ...options,
  });
}

/** Submits one cell per text; resolves with every outcome (by index) once all are in, and counts sink calls. */
function run(pool: Pool, texts: string[], signal?: AbortSignal, caller?: string, timeoutMs = (_text: string) => DEADLINE_MS) {
  const outcomes: CellOutcome[] = new Array(texts.length);
  let calls = 0;
  const done = new Promise<CellOutcome[]>((resolve) => {
    pool.submit(
      texts.map((completion) => ({ ruleId: 'r', params: {}, sample: { completion }, timeoutMs: timeoutMs(completion) })),
      (index, outcome) => {
        calls++;
        outcomes[index] = outcome;
        if (calls === texts.length) resolve(outcomes);
      },
      signal,
      caller,
    );
  });
  return { done, calls: () => calls };
}

const runs = (log: string[]) => log.filter((l) => l.startsWith('run '));
const texts = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('a cell past its deadline', () => {
  it('is interrupted where it spins: it answers timeout and its worker, warm, goes on with the rest of its chunk; nothing is killed', async () => {
    const fakes = createFakeWorkers();
    const pool = fakePool(fakes);
    await pool.ready();
    const cells = texts('c', 40);
    cells[25] = 'spin';
    const { done, calls } = run(pool, cells);
    const outcomes = await done;

    expect(outcomes[25]).toMatchObject({ score: null, reason: 'timeout', details: { timeout_ms: DEADLINE_MS } });
    expect(outcomes.filter((o) => o.score === 1)).toHaveLength(39);
    expect(fakes.log.filter((l) => l.startsWith('interrupt '))).toEqual(['interrupt w1']);
    expect(fakes.log.filter((l) => l.startsWith('kill ') || l.startsWith('start w3'))).toEqual([]); // no kill, no replacement
    expect(runs(fakes.log).every((l) => l.startsWith('run w1 '))).toBe(true); // and no hand-over
    expect(pool.stats().restarts).toBe(0);
    expect(calls()).toBe(40);
    await pool.close();
  });

  it('is caught at its own deadline when it follows, unannounced, a cell with a far longer one', async () => {
    const fakes = createFakeWorkers();
    const pool = fakePool(fakes);
    await pool.ready();
    // `slow` finishes at once but is reported only with its chunk (twelve cells make chunks of three); only
    // the board says `spin` has begun.
    const outcomes = await run(pool, ['slow', 'spin', ...texts('a', 10)], undefined, undefined, (text) => (text === 'slow' ? 3_600_000 : DEADLINE_MS)).done;
    expect(runs(fakes.log)[0]).toBe('run w1 slow,spin,a0');
    expect(outcomes.map((o) => o.reason ?? o.score)).toEqual([1, 'timeout', ...Array(10).fill(1)]);
    expect(fakes.log.filter((l) => l.startsWith('interrupt '))).toEqual(['interrupt w1']);
    await pool.close();
  });

  it('kills a worker whose cell ignores the interrupt, once: the rest of its chunk (finished but unreported, or not begun) runs again on the standby', async () => {
    const fakes = createFakeWorkers();
    const pool = fakePool(fakes);
    await pool.ready();
    const cells = texts('c', 40);
    cells[25] = 'stuck';
    const { done, calls } = run(pool, cells);
    const outcomes = await done;

    expect(outcomes[25]).toMatchObject({ score: null, reason: 'timeout', details: { timeout_ms: DEADLINE_MS } });
    expect(outcomes.filter((o) => o.score === 1)).toHaveLength(39);
    const kill = fakes.log.indexOf('kill w1');
    expect(fakes.log.indexOf('interrupt w1')).toBeLessThan(kill); // SIGINT first
    expect(fakes.log.filter((l) => l.startsWith('kill '))).toEqual(['kill w1']); // one kill, no rerun of the stuck cell
    expect(runs(fakes.log).filter((l) => l.split(/[ ,]/).includes('stuck'))).toHaveLength(1);

    // The stuck chunk's other cells go to the standby (w2) before the replacement (w3) is even ready.
    const stuckChunk = runs(fakes.log)
      .find((l) => l.includes('stuck'))!
      .split(' ')[2]
      .split(',');
    const rest = stuckChunk.filter((t) => t !== 'stuck');
    const takeover = fakes.log.findIndex((l) => l.startsWith('run w2 '));
    expect(fakes.log[takeover].split(' ')[2].split(',').slice(0, rest.length)).toEqual(rest);
    expect(fakes.log.indexOf('start w3')).toBeLessThan(takeover);
    expect(takeover).toBeLessThan(fakes.log.indexOf('ready w3'));
    expect(calls()).toBe(40); // every cell answered exactly once
    await pool.close();
  });

  it('keeps `size` workers running and one ready beside them after a kill', async () => {
    const fakes = createFakeWorkers();
    const pool = fakePool(fakes, { size: 2 });
    await pool.ready();
    expect(fakes.count()).toBe(3);
    await run(pool, ['a', 'stuck', 'b']).done;
    await pool.ready(); // the replacement
    expect(pool.stats()).toMatchObject({ size: 2, alive: 3, restarts: 1, queued: 0 });
    await pool.close();
  });
});

describe('a worker that dies', () => {
  it('fails only the cell it was running, wherever it is in its chunk; the others score', async () => {
    const fakes = createFakeWorkers();
    const pool = fakePool(fakes);
    await pool.ready();
    const outcomes = await run(pool, ['a', 'b', 'exit', 'c', 'd']).done;
    expect(outcomes.map((o) => o.score)).toEqual([1, 1, null, 1, 1]);
    expect(outcomes[2]).toMatchObject({ reason: 'error', details: { message: 'worker exited (code 3)' } });
    expect(fakes.log.filter((l) => l.startsWith('kill '))).toEqual([]);
    await pool.close();
  });

  it('gets its cell one retry where the pool allows it (sandbox), then the crash reason', async () => {
    const fakes = createFakeWorkers();
    const pool = fakePool(fakes, { retryOnce: true, crashReason: 'sandbox_error' });
    await pool.ready();
    const outcomes = await run(pool, ['a', 'exit']).done;
    expect(outcomes[1]).toMatchObject({ score: null, reason: 'sandbox_error' });
    expect(runs(fakes.log).filter((l) => l.split(/[ ,]/).includes('exit'))).toHaveLength(2);
    await pool.close();
  });
});

describe('callers take turns', () => {
  it('serves a small request between the chunks of a flood queued before it', async () => {
    const fakes = createFakeWorkers();
    const pool = fakePool(fakes, { standby: 0 });
    await pool.ready();
    const flood = run(pool, texts('a', 200), undefined, 'flood');
    const small = run(pool, texts('b', 3), undefined, 'small');
    await Promise.all([flood.done, small.done]);
    const order = runs(fakes.log).map((l) => l.split(' ')[2][0]);
    expect(order[0]).toBe('a'); // the flood's first chunk was sent before the small request came
    expect(order[1]).toBe('b'); // then the small request's turn, not the flood's other 175 cells
    expect(order.filter((c) => c === 'b')).toHaveLength(1);
    await pool.close();
  });
});

describe('cancellation', () => {
  it('answers every cell of an aborted request at once and empties the queue of its cells', async () => {
    const fakes = createFakeWorkers();
    const pool = fakePool(fakes, { standby: 0 });
    await pool.ready();
    const controller = new AbortController();
    const cells = ['hold', ...texts('x', 99)];
    const abandoned = run(pool, cells, controller.signal);
    expect(pool.stats().queued).toBeGreaterThan(0);
    controller.abort(new Error('client disconnected'));
    expect(pool.stats().queued).toBe(0);
    expect(abandoned.calls()).toBe(100);
    const outcomes = await abandoned.done;
    expect(outcomes.every((o) => o.score === null && o.reason === 'timeout')).toBe(true);
    expect(outcomes[0].details).toEqual({ message: 'client disconnected' });

    fakes.release(); // the held cell finishes in its worker; its result is not delivered twice
    const next = await run(pool, ['y']).done;
    expect(next[0].score).toBe(1);
    expect(abandoned.calls()).toBe(100);
    expect(runs(fakes.log).some((l) => l.includes('x99'))).toBe(false); // never sent to a worker
    await pool.close();
  });

  it('answers a request aborted before it was submitted without queueing it', async () => {
    const fakes = createFakeWorkers();
    const pool = fakePool(fakes);
    await pool.ready();
    const outcomes = await run(pool, ['a', 'b'], AbortSignal.abort()).done;
    expect(outcomes.map((o) => o.reason)).toEqual(['timeout', 'timeout']);
    expect(runs(fakes.log)).toEqual([]);
    await pool.close();
  });
});

describe('start-up and closing', () => {
  it('is ready only once every worker, standby included, is', async () => {
    const fakes = createFakeWorkers({ manualBoot: true });
    const pool = fakePool(fakes, { size: 2 });
    let ready = false;
    const waiting = pool.ready().then(() => (ready = true));
    await new Promise((r) => setImmediate(r));
    expect(ready).toBe(false);
    expect(pool.stats().alive).toBe(0);
    fakes.boot();
    await waiting;
    expect(pool.stats().alive).toBe(3);
    await pool.close();
  });

  it('answers cells still queued or running when it closes', async () => {
    const fakes = createFakeWorkers();
    const pool = fakePool(fakes, { standby: 0 });
    await pool.ready();
    const pending = run(pool, ['hold', 'a', 'b']);
    await pool.close();
    const outcomes = await pending.done;
    expect(outcomes.map((o) => o.reason)).toEqual(['error', 'error', 'error']);
    expect(pending.calls()).toBe(3);
  });

  it('refuses a size below 1 or a negative standby, naming the option', () => {
    const fakes = createFakeWorkers();
    expect(() => fakePool(fakes, { size: 0 })).toThrow(/size must be an integer >= 1/);
    expect(() => fakePool(fakes, { standby: -1 })).toThrow(/standby must be an integer >= 0/);
  });
});
