/**
 * Whether parsing request bodies deserves code of its own: the CPU one
 * secure-json-parse of the 1,024-completion mixed batch costs (in this
 * process, median of many), against the CPU one POST /v1/score of that batch
 * costs end to end (HTTP process and workers, from /proc, real server, cache
 * off). The share is the most any faster parser could save; a custom parser
 * earns its place only above 5 % (src/json-pieces.ts, which split large bodies,
 * saved 0.1 % and was dropped: docs/performance-notes.md).
 *
 * Run alone: node --import tsx bench/json-body.ts
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import secureJson from 'secure-json-parse';
import { spawnServer } from '../tests/spawn-server.ts';
import { median, postJson } from './lib.ts';
import { mixedBatch } from './mixed-batch.ts';
import { treeCpu } from './process-cpu.ts';
import type { BenchRow } from './table.ts';

const RULES = ['think-format', 'language-consistency', 'math-answer'];
const PARSES = 60;
const REQUESTS = 8; // end to end, after a warm-up
const GOAL = 0.05; // of end-to-end CPU a parser would have to save

function cpuMs(work: () => void): number {
  const before = process.cpuUsage();
  work();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

export async function benchJsonBody(log: (line: string) => void = console.log): Promise<BenchRow[]> {
  const batch = mixedBatch(1024, RULES);
  const body = Buffer.from(JSON.stringify(batch));
  const parses: number[] = [];
  for (let i = 0; i < PARSES; i++)
    parses.push(cpuMs(() => secureJson.parse(body.toString('utf8'), undefined, { protoAction: 'error', constructorAction: 'error' })));
  const parse = median(parses);
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
    const share = parse / endToEnd;
    const kb = Math.round(body.length / 1024);
    log(`  1,024-completion body (${kb} KB): parse ${parse.toFixed(2)} CPU ms; request ${endToEnd.toFixed(0)} CPU ms`);
    return [
      {
        benchmark: 'JSON body parse, 1,024 completions',
        workload: `${kb} KB mixed batch: secure-json-parse CPU ms (median of ${PARSES}) against the request's end-to-end CPU (${endToEnd.toFixed(0)} ms, server tree, median of ${REQUESTS})`,
        figure: `${(share * 100).toFixed(1)} % (${parse.toFixed(2)} ms)`,
        target: '< 5 %: no parser of our own',
        meets: share < GOAL,
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
