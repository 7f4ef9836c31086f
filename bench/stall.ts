/**
 * Issue 17's targets, each against a real server process (`npm start`'s
 * command, cache off):
 * - per-timeout overhead: a 1,024-completion batch with 8 cells (and with 1)
 *   that hang (test-spin, deadline 500 ms) against the same batch without,
 *   default pools: (Tk - T0) / k - 500 ms, goal <= 500 ms;
 * - latency after abandoned requests: a 512-completion batch right after 8
 *   clients sent 4,096-completion batches and went away, against its idle
 *   time, goal <= 2x;
 * - goodput at 4x overload: completions answered 200 within the client's
 *   timeout per second while 256-completion batches arrive at four times the
 *   rate the server sustains, against that sustained rate (2 connections
 *   back to back), goal >= 80 %.
 * Run alone: node --import tsx bench/stall.ts [timeouts|abandoned|overload]
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { spawnServer, type SpawnedServer } from '../tests/spawn-server.ts';
import { median } from './lib.ts';
import { postLoad } from './load.ts';
import { mixedBatch } from './mixed-batch.ts';
import { perSec, type BenchRow } from './table.ts';

const RULES = ['think-format', 'language-consistency', 'math-answer'];
const SPIN_DEADLINE_MS = 500; // tests/fixtures/spin-rule.ts
const HANGS = 8;
const ABANDONED = 8;
const OVERLOAD = 4;
const LOAD_BATCH = 256;
const CLIENT_TIMEOUT_S = 30; // a trainer's patience with one reward call
const SLICES = 3;
const SLICE_MS = 8_000;

async function withServer<T>(env: Record<string, string>, work: (server: SpawnedServer) => Promise<T>): Promise<T> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'verdict-bench-'));
  const server = await spawnServer({ PATH: process.env.PATH, CACHE_SIZE: '0', SANDBOX_PYTHON: 'off', LOG_LEVEL: 'error', DATA_DIR: dataDir, ...env });
  try {
    return await work(server);
  } finally {
    server.child.kill('SIGTERM');
    await new Promise((resolve) => server.child.once('exit', resolve));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Wall ms until a 200, as a client sees it: a 503 is retried after its Retry-After, and that wait counts. */
async function timed(url: string, body: unknown): Promise<number> {
  const started = performance.now();
  for (;;) {
    const response = await fetch(`${url}/v1/score`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const text = await response.text();
    if (response.status === 200) return performance.now() - started;
    if (response.status !== 503) throw new Error(`status ${response.status}: ${text.slice(0, 200)}`);
    await new Promise((resolve) => setTimeout(resolve, Number(response.headers.get('retry-after') ?? 1) * 1000));
  }
}

export async function benchTimeouts(log: (line: string) => void = console.log): Promise<BenchRow[]> {
  const fixture = path.resolve('tests/fixtures/spin-rule.ts');
  return withServer({ REWARD_MODULES: fixture }, async ({ url }) => {
    const clean = mixedBatch(1024, ['math-answer']);
    const batch = { ...clean, rewards: [...clean.rewards, { id: 'test-spin' }] };
    /** The batch with `hangs` cells spread over it (so they land in different chunks) that spin past their deadline. */
    const withHangs = (hangs: number) => {
      const copy = structuredClone(batch);
      for (let h = 0; h < hangs; h++) copy.groups[Math.floor(((h + 0.5) * copy.groups.length) / hangs)].completions[3] = 'spin';
      return copy;
    };
    await timed(url, batch); // warm-up
    const times: Record<number, number[]> = { 0: [], 1: [], [HANGS]: [] };
    for (let r = 0; r < 3; r++) {
      for (const hangs of [0, 1, HANGS]) {
        times[hangs].push(await timed(url, withHangs(hangs)));
        await fetch(`${url}/readyz`); // the next run starts with whatever workers are up: replacements are part of the cost
      }
    }
    const [t0, t1, tk] = [0, 1, HANGS].map((k) => median(times[k]));
    const perHang = (tk - t0) / HANGS - SPIN_DEADLINE_MS;
    const single = t1 - t0 - SPIN_DEADLINE_MS;
    log(`  1,024 completions: ${t0.toFixed(0)} ms clean, ${t1.toFixed(0)} ms with 1 hang, ${tk.toFixed(0)} ms with ${HANGS}`);
    const workload = (k: number, tk: number) =>
      `1,024 completions x (math-answer + test-spin), default pools, ${k} cell${k > 1 ? 's' : ''} spinning past a ${SPIN_DEADLINE_MS} ms deadline: (T${k} - T0) / ${k} - deadline, medians of 3 (${t0.toFixed(0)} / ${tk.toFixed(0)} ms)`;
    return [
      {
        benchmark: 'per-timeout overhead',
        workload: workload(HANGS, tk),
        figure: `${perHang.toFixed(0)} ms per hang`,
        target: '<= 500 ms beyond its deadline',
        meets: perHang <= 500,
      },
      {
        benchmark: 'per-timeout overhead, one hang',
        workload: workload(1, t1),
        figure: `${single.toFixed(0)} ms`,
        target: '<= 500 ms beyond its deadline',
        meets: single <= 500,
      },
    ];
  });
}

/** Sends `body` and goes away `afterMs` after the last byte of it left. */
function abandon(url: string, payload: Buffer, afterMs: number): Promise<void> {
  return new Promise((resolve) => {
    const { hostname, port } = new URL(url);
    const request = http.request({
      host: hostname,
      port,
      method: 'POST',
      path: '/v1/score',
      headers: { 'content-type': 'application/json', 'content-length': payload.length },
    });
    request.on('error', () => undefined);
    request.end(payload, () =>
      setTimeout(() => {
        request.destroy();
        resolve();
      }, afterMs),
    );
  });
}

export async function benchAbandoned(log: (line: string) => void = console.log): Promise<BenchRow[]> {
  return withServer({}, async ({ url }) => {
    const small = mixedBatch(512, RULES);
    const big = Buffer.from(JSON.stringify(mixedBatch(4096, RULES)));
    await timed(url, small); // warm-up
    const idle: number[] = [];
    for (let r = 0; r < 3; r++) idle.push(await timed(url, small));
    const after: number[] = [];
    for (let r = 0; r < 3; r++) {
      await Promise.all(Array.from({ length: ABANDONED }, () => abandon(url, big, 1_000)));
      await new Promise((resolve) => setTimeout(resolve, 1_000)); // for the server to read the disconnections
      after.push(await timed(url, small));
    }
    const ratio = median(after) / median(idle);
    log(`  512 completions: ${median(idle).toFixed(0)} ms idle, ${median(after).toFixed(0)} ms after ${ABANDONED} abandoned 4,096-completion requests`);
    return [
      {
        benchmark: 'latency after abandoned requests',
        workload: `512-completion batch 1 s after ${ABANDONED} clients sent 4,096-completion batches (${(big.length / 1e6).toFixed(1)} MB each) and disconnected 1 s later (a 503 retried after its Retry-After counts); idle ${median(idle).toFixed(0)} ms (median of 3), after ${after.map((ms) => ms.toFixed(0)).join(', ')} ms (figure: their median)`,
        figure: `${ratio.toFixed(2)}x idle`,
        p50: median(after),
        target: '<= 2x idle',
        meets: ratio <= 2,
      },
    ];
  });
}

/**
 * Open-loop load: a request every 1/rate s whatever the answers (a new connection whenever none is free),
 * each given up after the client timeout; 200s answered in time are the goodput.
 */
async function overload(url: string, payload: Buffer, rate: number, durationMs: number) {
  const { hostname, port } = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  const statuses = new Map<number | string, number>();
  const count = (status: number | string) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
  let good = 0;
  const started = performance.now();
  let last = started;
  const send = () =>
    new Promise<void>((resolve) => {
      const request = http.request(
        { host: hostname, port, method: 'POST', path: '/v1/score', agent, headers: { 'content-type': 'application/json', 'content-length': payload.length } },
        (response) => {
          response.resume();
          response.on('end', () => {
            count(response.statusCode!);
            if (response.statusCode === 200) {
              good++;
              last = performance.now();
            }
            resolve();
          });
        },
      );
      request.setTimeout(CLIENT_TIMEOUT_S * 1000, () => request.destroy(new Error('client timeout')));
      request.on('error', (error) => {
        count(error.message === 'client timeout' ? 'timeout' : 'error');
        resolve();
      });
      request.end(payload);
    });
  const sent: Array<Promise<void>> = [];
  for (let i = 0; i < (rate * durationMs) / 1000; i++) {
    const at = started + (i * 1000) / rate;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, at - performance.now())));
    sent.push(send());
  }
  await Promise.all(sent);
  agent.destroy();
  return { good, seconds: (last - started) / 1000, statuses: Object.fromEntries(statuses) };
}

export async function benchOverload(log: (line: string) => void = console.log): Promise<BenchRow[]> {
  return withServer({}, async ({ url }) => {
    const payload = JSON.stringify(mixedBatch(LOAD_BATCH, RULES));
    await postLoad(url, payload, LOAD_BATCH, 2, 3_000); // warm-up
    // Capacity and overload in alternating slices: this shared machine's speed drifts by tens of percent
    // within a minute, and interleaving exposes both to the same drift.
    let capacityDone = 0;
    let capacitySeconds = 0;
    let goodDone = 0;
    let goodSeconds = 0;
    const statuses: Record<string, number> = {};
    let offered = 0;
    for (let s = 0; s < SLICES; s++) {
      const capacity = await postLoad(url, payload, LOAD_BATCH, 2, SLICE_MS);
      capacityDone += capacity.requests * LOAD_BATCH;
      capacitySeconds += capacity.seconds;
      const rate = (OVERLOAD * capacity.requests) / capacity.seconds;
      offered += rate;
      const loaded = await overload(url, Buffer.from(payload), rate, SLICE_MS);
      goodDone += loaded.good * LOAD_BATCH;
      goodSeconds += loaded.seconds;
      for (const [status, n] of Object.entries(loaded.statuses)) statuses[status] = (statuses[status] ?? 0) + n;
    }
    const capacity = capacityDone / capacitySeconds;
    const goodput = goodDone / goodSeconds;
    const share = goodput / capacity;
    log(`  capacity ${capacity.toFixed(0)} completions/s; at ${OVERLOAD}x: ${JSON.stringify(statuses)}, goodput ${goodput.toFixed(0)}/s`);
    return [
      {
        benchmark: 'goodput at 4x overload',
        workload: `${LOAD_BATCH}-completion batches offered open loop at ${OVERLOAD}x (${(offered / SLICES).toFixed(1)} requests/s on average) the rate 2 back-to-back connections sustain (${perSec(capacity, 'completions')}), ${SLICES} slices of ${SLICE_MS / 1000} s of each, interleaved; client timeout ${CLIENT_TIMEOUT_S} s; answers ${JSON.stringify(statuses)}; goodput = completions answered 200 in time per second, to the last answer`,
        figure: `${perSec(goodput, 'completions')} (${(share * 100).toFixed(0)} % of capacity)`,
        target: '>= 80 % of capacity',
        meets: share >= 0.8,
      },
    ];
  });
}

export async function benchStall(log: (line: string) => void = console.log): Promise<BenchRow[]> {
  return [...(await benchTimeouts(log)), ...(await benchAbandoned(log)), ...(await benchOverload(log))];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { renderTable } = await import('./table.ts');
  const which = process.argv[2];
  const run = which === 'timeouts' ? benchTimeouts : which === 'abandoned' ? benchAbandoned : which === 'overload' ? benchOverload : benchStall;
  console.log(renderTable(await run()));
  process.exit(0);
}
