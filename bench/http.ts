/**
 * End-to-end benchmark of POST /v1/score on loopback (real listening servers,
 * cell cache off so repeated bodies are really scored): the mixed rule set at
 * 64, 1,024 and 8,192 completions; throughput under load with pool size 2 and
 * pool size 1; and /healthz latency while the pool is saturated.
 */
import { median, percentile, postJson, startServer } from './lib.ts';
import { postLoad, probeHealth } from './load.ts';
import { mixedBatch } from './mixed-batch.ts';
import { perSec, renderTable, type BenchRow } from './table.ts';

const WANTED = ['think-format', 'language-consistency', 'math-answer'];
const SIZES: Array<[number, number]> = [[64, 15], [1024, 5], [8192, 2]]; // [completions, timed runs]
const LOAD_MS = 10_000; // per pool size
const LOAD_BATCH = 256; // completions per request under load: many requests in LOAD_MS
const LOAD_CONNECTIONS = 2; // one request parses while the other is scored

async function knownRules(url: string): Promise<string[]> {
  const list = (await (await fetch(`${url}/v1/rewards`)).json()) as { rewards: Array<{ id: string }> };
  return list.rewards.map((r) => r.id);
}

export async function benchHttp(log: (line: string) => void = console.log): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const two = await startServer({ poolSize: 2, cacheSize: 0 });
  let rules: string[];
  let loadTwo;
  let health: number[];
  try {
    const known = new Set(await knownRules(two.url));
    rules = WANTED.filter((id) => known.has(id));
    if (rules.length < WANTED.length) log(`mixed rule set: ${WANTED.filter((id) => !known.has(id)).join(', ')} not present; using ${rules.join(' + ')}`);
    const mix = rules.join(' + ');
    await postJson(`${two.url}/v1/score`, mixedBatch(1024, rules)); // warm-up: JIT and engines in every worker
    for (const [size, runs] of SIZES) {
      const body = mixedBatch(size, rules);
      const times: number[] = [];
      for (let r = 0; r < runs; r++) {
        const { status, json, ms } = await postJson(`${two.url}/v1/score`, body);
        if (status !== 200) throw new Error(`${size} completions: status ${status} ${JSON.stringify(json).slice(0, 200)}`);
        times.push(ms);
      }
      const p50 = median(times);
      const row: BenchRow = { benchmark: 'POST /v1/score', workload: `${mix}, ${size.toLocaleString('en-US')} completions, pool 2 (${runs} runs)`, figure: perSec((size * 1000) / p50, 'completions'), p50, p99: percentile([...times].sort((a, b) => a - b), 99) };
      if (size === 1024) Object.assign(row, { target: '< 1,000 ms end to end', meets: p50 < 1000 });
      rows.push(row);
      log(`  ${size} completions: median ${p50.toFixed(0)} ms`);
    }
    const load = postLoad(two.url, mixedBatch(LOAD_BATCH, rules), LOAD_BATCH, LOAD_CONNECTIONS, LOAD_MS);
    [loadTwo, health] = await Promise.all([load, probeHealth(two.url, load)]);
  } finally {
    await two.app.close();
  }
  const one = await startServer({ poolSize: 1, cacheSize: 0 });
  let loadOne;
  try {
    await postJson(`${one.url}/v1/score`, mixedBatch(1024, rules));
    loadOne = await postLoad(one.url, mixedBatch(LOAD_BATCH, rules), LOAD_BATCH, LOAD_CONNECTIONS, LOAD_MS);
  } finally {
    await one.app.close();
  }
  const ratio = loadTwo.completionsPerSec / loadOne.completionsPerSec;
  const loadWorkload = `${LOAD_BATCH}-completion batches, ${LOAD_CONNECTIONS} connections, ${LOAD_MS / 1000} s`;
  const sortedLat = (l: number[]) => [...l].sort((a, b) => a - b);
  rows.push(
    { benchmark: 'throughput, pool 2', workload: loadWorkload, figure: perSec(loadTwo.completionsPerSec, 'completions'), p50: median(loadTwo.latencies), p99: percentile(sortedLat(loadTwo.latencies), 99) },
    { benchmark: 'throughput, pool 1', workload: loadWorkload, figure: perSec(loadOne.completionsPerSec, 'completions'), p50: median(loadOne.latencies), p99: percentile(sortedLat(loadOne.latencies), 99) },
    { benchmark: 'pool 2 / pool 1', workload: 'the two rows above', figure: `${ratio.toFixed(2)}x`, target: '>= 1.6x', meets: ratio >= 1.6 },
    { benchmark: 'GET /healthz, pool saturated', workload: `${health.length} probes during the pool 2 load`, figure: `max ${Math.max(...health).toFixed(1)} ms`, p50: median(health), p99: percentile(sortedLat(health), 99), target: 'p99 < 50 ms', meets: percentile(sortedLat(health), 99) < 50 },
  );
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(renderTable(await benchHttp()));
}
