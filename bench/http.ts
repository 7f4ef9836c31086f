/**
 * End-to-end benchmark of POST /v1/score on loopback, against the real server
 * started as its own process (as a trainer sees it: the load client and the
 * /healthz probe are not on the server's event loop), cell cache off so
 * repeated bodies are really scored: the mixed rule set at 64, 1,024 and 8,192
 * completions; throughput under load with pool size 2 and pool size 1;
 * /healthz latency while the pool is saturated (in slices of its own, so the
 * probe's CPU is not taken from one pool size's throughput); and, from /proc, how the
 * pool 2 load's CPU splits between the HTTP process, its workers and the load
 * generator, which bounds the pool 2 / pool 1 ratio on two cores.
 *
 * Both servers run at once and the load alternates between them in short
 * slices: this shared machine's speed drifts by tens of percent within a
 * minute, and interleaving exposes both pool sizes to the same drift.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnServer, type SpawnedServer } from '../tests/spawn-server.ts';
import { median, percentile, postJson } from './lib.ts';
import { postLoad, probeHealth, type LoadResult } from './load.ts';
import { measureCpu, type CpuSplit } from './process-cpu.ts';
import { mixedBatch } from './mixed-batch.ts';
import { perSec, type BenchRow } from './table.ts';

const WANTED = ['think-format', 'language-consistency', 'math-answer'];
const SIZES: Array<[number, number]> = [
  [64, 15],
  [1024, 5],
  [8192, 2],
]; // [completions, timed runs]
const SLICE_MS = 2_500; // load on one pool size before switching to the other
const SLICES = 8; // per pool size: 20 s of load each (single slices vary by ±0.3 in ratio)
const HEALTH_SLICES = 4; // of pool 2 load with /healthz probed: ~500 probes
const LOAD_BATCH = 256; // completions per request under load: many requests in a slice
const LOAD_CONNECTIONS = 2; // one request parses while the other is scored

async function knownRules(url: string): Promise<string[]> {
  const list = (await (await fetch(`${url}/v1/rewards`)).json()) as { rewards: Array<{ id: string }> };
  return list.rewards.map((r) => r.id);
}

/** The server as `npm start` runs it, with the cache off; Python is off as no rule here runs code. */
function startServerProcess(poolSize: number, dataDir: string): Promise<SpawnedServer> {
  return spawnServer({ PATH: process.env.PATH, POOL_SIZE: String(poolSize), CACHE_SIZE: '0', SANDBOX_PYTHON: 'off', LOG_LEVEL: 'error', DATA_DIR: dataDir });
}

async function stop(server: SpawnedServer): Promise<void> {
  if (server.child.exitCode !== null) return;
  server.child.kill('SIGTERM');
  await new Promise((resolve) => server.child.once('exit', resolve));
}

/** Sums slices of load into one result: completions over the time spent loading. */
function combine(slices: LoadResult[], completions: number): LoadResult {
  const requests = slices.reduce((n, s) => n + s.requests, 0);
  const seconds = slices.reduce((n, s) => n + s.seconds, 0);
  return { requests, seconds, completionsPerSec: (requests * completions) / seconds, latencies: slices.flatMap((s) => s.latencies) };
}

export async function benchHttp(log: (line: string) => void = console.log): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'verdict-bench-'));
  const servers: SpawnedServer[] = [];
  try {
    const two = await startServerProcess(2, path.join(dataDir, 'two'));
    servers.push(two);
    const one = await startServerProcess(1, path.join(dataDir, 'one'));
    servers.push(one);
    const known = new Set(await knownRules(two.url));
    const rules = WANTED.filter((id) => known.has(id));
    if (rules.length < WANTED.length) log(`mixed rule set: ${WANTED.filter((id) => !known.has(id)).join(', ')} not present; using ${rules.join(' + ')}`);
    const mix = rules.join(' + ');
    for (const server of servers) await postJson(`${server.url}/v1/score`, mixedBatch(1024, rules)); // warm-up: JIT and engines in every worker

    for (const [size, runs] of SIZES) {
      const body = mixedBatch(size, rules);
      const times: number[] = [];
      for (let r = 0; r < runs; r++) {
        const { status, json, ms } = await postJson(`${two.url}/v1/score`, body);
        if (status !== 200) throw new Error(`${size} completions: status ${status} ${JSON.stringify(json).slice(0, 200)}`);
        times.push(ms);
      }
      const p50 = median(times);
      const row: BenchRow = {
        benchmark: 'POST /v1/score',
        workload: `${mix}, ${size.toLocaleString('en-US')} completions, pool 2 (${runs} runs)`,
        figure: perSec((size * 1000) / p50, 'completions'),
        p50,
        p99: percentile(
          [...times].sort((a, b) => a - b),
          99,
        ),
      };
      if (size === 1024) Object.assign(row, { target: '< 1,000 ms end to end', meets: p50 < 1000 });
      rows.push(row);
      log(`  ${size} completions: median ${p50.toFixed(0)} ms`);
    }

    const loadBody = JSON.stringify(mixedBatch(LOAD_BATCH, rules));
    const slicesOf: { two: LoadResult[]; one: LoadResult[] } = { two: [], one: [] };
    const cpuTwo: CpuSplit = { http: 0, workers: 0, load: 0 };
    for (let s = 0; s < SLICES; s++) {
      const { result, cpu } = await measureCpu(two.child.pid!, () => postLoad(two.url, loadBody, LOAD_BATCH, LOAD_CONNECTIONS, SLICE_MS));
      for (const part of ['http', 'workers', 'load'] as const) cpuTwo[part] += cpu[part];
      slicesOf.two.push(result);
      slicesOf.one.push(await postLoad(one.url, loadBody, LOAD_BATCH, LOAD_CONNECTIONS, SLICE_MS));
    }
    // /healthz under the same load, in slices of its own: a probe running beside pool 2's throughput
    // slices only would take its CPU from pool 2 alone and bias the ratio against it.
    const health: number[] = [];
    for (let s = 0; s < HEALTH_SLICES; s++) {
      const load = postLoad(two.url, loadBody, LOAD_BATCH, LOAD_CONNECTIONS, SLICE_MS);
      const [, probes] = await Promise.all([load, probeHealth(two.url, load)]);
      health.push(...probes);
    }
    const loadTwo = combine(slicesOf.two, LOAD_BATCH);
    const loadOne = combine(slicesOf.one, LOAD_BATCH);
    const ratio = loadTwo.completionsPerSec / loadOne.completionsPerSec;
    const sliceRatios = slicesOf.two.map((t, i) => (t.completionsPerSec / slicesOf.one[i].completionsPerSec).toFixed(2)).join(', ');
    const loadWorkload = `${LOAD_BATCH}-completion batches, ${LOAD_CONNECTIONS} connections, ${SLICES} slices of ${SLICE_MS / 1000} s interleaved with the other pool size`;
    const sorted = (l: number[]) => [...l].sort((a, b) => a - b);
    health.sort((a, b) => a - b);
    // Pool 2 shares the machine's cores with the HTTP process and the load generator: with this split of
    // CPU per completion it cannot go faster than cores / (m + w + c), whatever the scheduling.
    const [m, w, c] = [cpuTwo.http, cpuTwo.workers, cpuTwo.load].map((ms) => (ms * 1000) / (loadTwo.requests * LOAD_BATCH));
    const cpuFigure = `HTTP process ${m.toFixed(0)} ms, workers ${w.toFixed(0)} ms, load generator ${c.toFixed(0)} ms`;
    const ceiling = (os.availableParallelism() * 1e6) / (m + w + c);
    rows.push(
      {
        benchmark: 'throughput, pool 2',
        workload: loadWorkload,
        figure: perSec(loadTwo.completionsPerSec, 'completions'),
        p50: median(loadTwo.latencies),
        p99: percentile(sorted(loadTwo.latencies), 99),
      },
      {
        benchmark: 'throughput, pool 1',
        workload: loadWorkload,
        figure: perSec(loadOne.completionsPerSec, 'completions'),
        p50: median(loadOne.latencies),
        p99: percentile(sorted(loadOne.latencies), 99),
      },
      {
        benchmark: 'pool 2 / pool 1',
        workload: `the two rows above (per slice: ${sliceRatios})`,
        figure: `${ratio.toFixed(2)}x`,
        target: '>= 1.6x',
        meets: ratio >= 1.6,
      },
      { benchmark: 'CPU per 1,000 completions, pool 2', workload: 'from /proc over the pool 2 slices (m, w, c)', figure: cpuFigure },
      {
        benchmark: 'pool 2 ceiling',
        workload: `${os.availableParallelism()} cores / (m + w + c), the most this CPU split allows; 1.6x pool 1 is ${perSec(1.6 * loadOne.completionsPerSec, 'completions')}`,
        figure: perSec(ceiling, 'completions'),
      },
      {
        benchmark: 'GET /healthz, pool saturated',
        workload: `${health.length} probes from another process during ${HEALTH_SLICES} more slices of the pool 2 load`,
        figure: `max ${health[health.length - 1].toFixed(1)} ms`,
        p50: median(health),
        p99: percentile(health, 99),
        target: 'p99 < 50 ms',
        meets: percentile(health, 99) < 50,
      },
    );
    return rows;
  } finally {
    await Promise.all(servers.map(stop));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { renderTable } = await import('./table.ts');
  console.log(renderTable(await benchHttp()));
}
