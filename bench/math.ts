/**
 * The math-answer benchmark over bench/math-synthetic-1024.jsonl of the
 * shared corpora (VERDICT_CORPORA_DIR, default ../shared): in-process (the
 * engine alone, one core) and through POST /v1/score (real server, default
 * worker pool, cell cache off). Prints pairs/s, median and p99 per pair, and
 * agreement with `expected`; then the CPU cost of the worst answers we could
 * craft (math-worst.ts).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { verify } from '../src/math/index.ts';
import { fmt, median, percentile, postJson, startServer } from './lib.ts';
import { printWorst, worstAnswers } from './math-worst.ts';

interface Pair {
  gold: string;
  pred: string;
  expected: boolean;
  category: string;
}

const RUNS = 9;
const file = path.resolve(process.env.VERDICT_CORPORA_DIR ?? path.resolve(process.cwd(), '../shared'), 'bench/math-synthetic-1024.jsonl');
const pairs: Pair[] = readFileSync(file, 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as Pair);

interface Row {
  mode: string;
  batchMs: number;
  bestMs: number;
  perPair: number[];
  agree: number;
}

function inProcess(): Row {
  for (const p of pairs) verify(p.gold, p.pred, {}); // warm-up: JIT and the mathjs instance
  const batches: number[] = [];
  let perPair: number[] = [];
  let agree = 0;
  for (let r = 0; r < RUNS; r++) {
    const times: number[] = [];
    agree = 0;
    const started = performance.now();
    for (const p of pairs) {
      const t = performance.now();
      const result = verify(p.gold, p.pred, {});
      times.push(performance.now() - t);
      if ((result.score === 1) === p.expected) agree++;
    }
    batches.push(performance.now() - started);
    if (batches.at(-1)! <= Math.min(...batches)) perPair = times; // per-pair figures from the least disturbed run
  }
  return { mode: 'in-process (1 core)', batchMs: median(batches), bestMs: Math.min(...batches), perPair, agree };
}

/** The same request shape scored by `rule`; think-format gives the spine's own floor for 1,024 groups. */
async function overHttp(rule: string): Promise<Row> {
  const { app, url } = await startServer({ cacheSize: 0 });
  try {
    const body = {
      rewards: [{ id: rule }],
      groups: pairs.map((p, i) => ({ id: `p${i}`, reference: p.gold, completions: [p.pred] })),
    };
    await postJson(`${url}/v1/score`, body); // warm-up: JIT and the engine in every worker
    const batches: number[] = [];
    let perPair: number[] = [];
    let agree = 0;
    for (let r = 0; r < RUNS; r++) {
      const { status, json, ms } = await postJson(`${url}/v1/score`, body);
      if (status !== 200) throw new Error(`status ${status}: ${JSON.stringify(json).slice(0, 300)}`);
      batches.push(ms);
      if (ms > Math.min(...batches)) continue; // per-pair figures from the least disturbed run
      const cells = (json.groups as { completions: { rewards: Record<string, { score: number | null; ms: number }> }[] }[]).map(
        (g) => g.completions[0]!.rewards[rule]!,
      );
      perPair = cells.map((c) => c.ms);
      agree = cells.filter((c, i) => (c.score === 1) === pairs[i]!.expected).length;
    }
    return { mode: `POST /v1/score, ${rule} (pool)`, batchMs: median(batches), bestMs: Math.min(...batches), perPair, agree };
  } finally {
    await app.close();
  }
}

export async function benchMath(): Promise<Row[]> {
  return [inProcess(), await overHttp('math-answer'), await overHttp('think-format')];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await benchMath();
  console.log(`math-answer over ${pairs.length} pairs (${RUNS} runs after a warm-up; per-pair figures from the best run)`);
  console.log('| mode | median batch ms | best batch ms | pairs/s (median) | median ms/pair | p99 ms/pair | agreement |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const sorted = [...r.perPair].sort((a, b) => a - b);
    const agreement = r.mode.includes('think-format') ? 'n/a' : `${r.agree}/${pairs.length}`;
    console.log(
      `| ${r.mode} | ${fmt(r.batchMs)} | ${fmt(r.bestMs)} | ${fmt((pairs.length * 1000) / r.batchMs, 0)} | ${fmt(percentile(sorted, 50), 3)} | ${fmt(percentile(sorted, 99), 2)} | ${agreement} |`,
    );
  }
  printWorst(worstAnswers());
}
