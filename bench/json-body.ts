/**
 * Whether parsing a request body in pieces (src/json-pieces.ts) is worth its
 * code: the CPU one POST /v1/score of the 1,024-completion mixed batch costs
 * end to end (HTTP process and workers, from /proc, real server, cache off),
 * against what the piecewise parse saves over one secure-json-parse of the
 * whole body (CPU ms per parse, the two interleaved, in this process).
 * The piecewise parser stays only if it saves at least 5 % of the end-to-end CPU.
 *
 * Run alone: node --import tsx bench/json-body.ts
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import secureJson from 'secure-json-parse';
import { parseInPieces } from '../src/json-pieces.ts';
import { spawnServer } from '../tests/spawn-server.ts';
import { median, postJson } from './lib.ts';
import { mixedBatch } from './mixed-batch.ts';
import { treeCpu } from './process-cpu.ts';
import type { BenchRow } from './table.ts';

const RULES = ['think-format', 'language-consistency', 'math-answer'];
const PARSES = 60; // of each kind, interleaved
const REQUESTS = 8; // end to end, after a warm-up
const GOAL = 0.05; // of end-to-end CPU saved

const secure = (text: string) => secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });

function cpuMs(work: () => void): number {
  const before = process.cpuUsage();
  work();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

/** CPU ms per parse of `body`, whole and in pieces. */
async function parseCost(body: Buffer): Promise<{ whole: number; pieces: number | null }> {
  const whole: number[] = [];
  const split: number[] = [];
  for (let i = 0; i < PARSES; i++) {
    whole.push(cpuMs(() => secure(body.toString('utf8'))));
    split.push(cpuMs(() => parseInPieces(body, secure)));
  }
  return { whole: median(whole), pieces: median(split) };
}

export async function benchJsonBody(log: (line: string) => void = console.log): Promise<BenchRow[]> {
  const batch = mixedBatch(1024, RULES);
  const body = Buffer.from(JSON.stringify(batch));
  const parse = await parseCost(body);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'verdict-bench-'));
  const server = await spawnServer({ PATH: process.env.PATH, CACHE_SIZE: '0', SANDBOX_PYTHON: 'off', LOG_LEVEL: 'error', DATA_DIR: dataDir });
  try {
    await postJson(`${server.url}/v1/score`, batch); // warm-up
    const perRequest: number[] = [];
    for (let r = 0; r < REQUESTS; r++) {
      const before = treeCpu(server.child.pid!);
      const { status } = await postJson(`${server.url}/v1/score`, batch);
      const after = treeCpu(server.child.pid!);
      if (status !== 200) throw new Error(`status ${status}`);
      perRequest.push(after.self - before.self + after.descendants - before.descendants);
    }
    const endToEnd = median(perRequest);
    const saved = parse.pieces === null ? null : (parse.whole - parse.pieces) / endToEnd;
    const kb = Math.round(body.length / 1024);
    log(`  1,024-completion body (${kb} KB): whole ${parse.whole.toFixed(2)} ms, pieces ${parse.pieces?.toFixed(2) ?? 'n/a'} ms; request ${endToEnd.toFixed(0)} CPU ms`);
    return [
      {
        benchmark: 'JSON body parse, 1,024 completions',
        workload: `${kb} KB mixed batch: secure-json-parse whole vs json-pieces, CPU ms per parse (median of ${PARSES}), against the request's end-to-end CPU (${endToEnd.toFixed(0)} ms, server tree, median of ${REQUESTS})`,
        figure: saved === null ? `whole ${parse.whole.toFixed(2)} ms (json-pieces removed)` : `saves ${(saved * 100).toFixed(1)} % (${parse.whole.toFixed(2)} -> ${parse.pieces!.toFixed(2)} ms)`,
        target: saved === null ? undefined : '>= 5 % to keep json-pieces',
        meets: saved === null ? undefined : saved >= GOAL,
      },
    ];
  } finally {
    server.child.kill('SIGTERM');
    await new Promise((resolve) => server.child.once('exit', resolve));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { renderTable } = await import('./table.ts');
  console.log(renderTable(await benchJsonBody()));
  process.exit(0);
}
