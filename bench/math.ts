/**
 * The math-answer benchmark over ../shared/bench/math-synthetic-1024.jsonl:
 * in-process (the engine alone, one core) and through POST /v1/score (real
 * server, default worker pool, cell cache off). Prints pairs/s, median and
 * p99 per pair, and agreement with `expected`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { verify } from '../src/math/index.ts';
import { fmt, median, percentile, postJson, startServer } from './lib.ts';

interface Pair {
  gold: string;
  pred: string;
  expected: boolean;
  category: string;
}

const RUNS = 5;
const file = path.resolve(process.cwd(), '../shared/bench/math-synthetic-1024.jsonl');
const pairs: Pair[] = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Pair);

interface Row {
  mode: string;
  batchMs: number;
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
    if (r === 0 || batches.at(-1)! <= Math.min(...batches)) perPair = times;
  }
  return { mode: 'in-process (1 core)', batchMs: median(batches), perPair, agree };
}

async function overHttp(): Promise<Row> {
  const { app, url } = await startServer({ cacheSize: 0 });
  try {
    const body = {
      rewards: [{ id: 'math-answer' }],
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
      const cells = (json.groups as { completions: { rewards: Record<string, { score: number | null; ms: number }> }[] }[]).map((g) => g.completions[0]!.rewards['math-answer']!);
      perPair = cells.map((c) => c.ms);
      agree = cells.filter((c, i) => (c.score === 1) === pairs[i]!.expected).length;
    }
    return { mode: 'POST /v1/score (pool)', batchMs: median(batches), perPair, agree };
  } finally {
    await app.close();
  }
}

export async function benchMath(): Promise<Row[]> {
  return [inProcess(), await overHttp()];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await benchMath();
  console.log(`math-answer over ${pairs.length} pairs (median batch of ${RUNS} runs after a warm-up)`);
  console.log('| mode | batch ms | pairs/s | median ms/pair | p99 ms/pair | agreement |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const sorted = [...r.perPair].sort((a, b) => a - b);
    console.log(`| ${r.mode} | ${fmt(r.batchMs)} | ${fmt((pairs.length * 1000) / r.batchMs, 0)} | ${fmt(percentile(sorted, 50), 3)} | ${fmt(percentile(sorted, 99), 2)} | ${r.agree}/${pairs.length} |`);
  }
}
