/**
 * `npm run bench`: every benchmark, one table. Start-up CPU, per-family rows,
 * the end-to-end HTTP rows, the stall rows (per-timeout overhead, latency
 * after abandoned requests, goodput at 4x overload) and the JSON parse's share
 * run in this process; then each family's own benchmark
 * file (written alongside its rules) runs if present: its exported `bench*`
 * function in-process, or as a child process when it only runs at top level
 * or must not load in this process (code: isolated-vm needs --no-node-snapshot).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { benchFamilies } from './families.ts';
import { benchHttp } from './http.ts';
import { benchJsonBody } from './json-body.ts';
import { median, percentile } from './lib.ts';
import { benchStartup } from './startup.ts';
import { benchStall } from './stall.ts';
import { renderTable } from './table.ts';

const FILE_TIMEOUT_MS = 180_000; // per family file
const FILES: Array<[string, string[]]> = [
  ['format-http', []],
  ['math', []],
  ['text', []],
  ['code', ['--no-node-snapshot']],
];

/** Long number arrays (per-item times) become { n, p50, p99 } so a result prints on a line. */
function summarize(value: unknown): unknown {
  if (Array.isArray(value) && value.length > 8 && value.every((v) => typeof v === 'number')) {
    const sorted = [...value].sort((a, b) => a - b);
    return { n: sorted.length, p50: +median(sorted).toFixed(3), p99: +percentile(sorted, 99).toFixed(3) };
  }
  if (Array.isArray(value)) return value.map(summarize);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, summarize(v)]));
  return typeof value === 'number' ? +value.toFixed(3) : value;
}

async function runFile(name: string, nodeFlags: string[]): Promise<string> {
  const file = `bench/${name}.ts`;
  if (!existsSync(file)) return `${file}: not present`;
  // Read before importing: a file without an exported bench function runs at top level on import.
  const exported = /export\s+(?:async\s+)?function\s+(bench\w*)/.exec(readFileSync(file, 'utf8'))?.[1];
  if (exported && nodeFlags.length === 0) {
    const module = (await import(`./${name}.ts`)) as Record<string, () => Promise<unknown>>;
    return `${file} ${exported}(): ${JSON.stringify(summarize(await module[exported]()))}`;
  }
  const child = spawnSync(process.execPath, [...nodeFlags, '--import', 'tsx', file], { encoding: 'utf8', timeout: FILE_TIMEOUT_MS });
  const status = child.error ? `failed: ${child.error.message}` : `exit ${child.status ?? child.signal}`;
  return `${file} (child process, ${status}):\n${child.stdout.trim()}${child.status === 0 ? '' : `\n${child.stderr.trim().slice(-2000)}`}`;
}

const started = performance.now();
console.log('start-up CPU: server, pool workers, CLI ...');
const rows = await benchStartup();
console.log('per-family rules over HTTP ...');
rows.push(...(await benchFamilies()));
console.log('end-to-end POST /v1/score ...');
rows.push(...(await benchHttp()));
console.log('stalls: hanging cells, abandoned requests, overload ...');
rows.push(...(await benchStall()));
console.log('JSON body parse ...');
rows.push(...(await benchJsonBody()));
const outputs: string[] = [];
for (const [name, flags] of FILES) {
  console.log(`bench/${name}.ts ...`);
  outputs.push(await runFile(name, flags));
}
console.log(`\n## Verdict benchmarks (${new Date().toISOString().slice(0, 10)}, ${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
console.log(renderTable(rows));
console.log('\n### Family benchmark files\n');
console.log(outputs.join('\n\n'));
process.exit(0); // pools and keep-alive sockets of finished benchmarks must not hold the process
