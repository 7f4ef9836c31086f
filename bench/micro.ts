/**
 * The small costs code comments give as reasons, re-measured (docs/performance-notes.md keeps the
 * figures, dated): building the mathjs instance, Intl.Segmenter per word, prom-client's observe()
 * against the plain counters of src/cell-metrics.ts, a chunk crossing to a worker as JSON with its texts
 * beside it (src/pool/protocol.ts) against the channel's structured clone, and what counting cells'
 * details against their bounds costs (src/scoring/cap-details.ts, cell-cache.ts). CPU time of this
 * process, warm (after WARM runs) except the mathjs build. `npm run bench:micro`
 */
import v8 from 'node:v8';
import { Histogram, Registry } from 'prom-client';
import { createCellMetrics } from '../src/cell-metrics.ts';
import { getMath } from '../src/math/mathjs.ts';
import { decodeResults, encodeChunk, encodeResults, type CellJob, type WorkerResult } from '../src/pool/protocol.ts';
import { capCellDetails, createDetailsBudget } from '../src/scoring/cap-details.ts';
import { createCellCache } from '../src/scoring/cell-cache.ts';
import { fmt } from './lib.ts';

const WARM = 20;
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
/** CPU ms per call of `run`, over `runs` calls after WARM. */
function perCall(run: () => unknown, runs: number): number {
  for (let i = 0; i < WARM; i++) run();
  const started = cpuMs();
  for (let i = 0; i < runs; i++) run();
  return (cpuMs() - started) / runs;
}

const started = cpuMs();
getMath();
console.log(`mathjs instance, first build in this process: ${fmt(cpuMs() - started, 0)} CPU ms`);

const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });
const chinese = '我们今天下午去学校图书馆借了三本关于数学的书。'.repeat(200);
const words = [...segmenter.segment(chinese)].length;
console.log(`Intl.Segmenter, Chinese: ${fmt((1000 * perCall(() => [...segmenter.segment(chinese)], 50)) / words, 2)} µs a segment`);

const CELLS = 10_000;
const histogram = new Histogram({ name: 'h', help: 'h', labelNames: ['rule', 'outcome'], buckets: [0.001, 0.01, 0.1, 1, 10], registers: [new Registry()] });
const plain = createCellMetrics(new Registry(), [0.001, 0.01, 0.1, 1, 10]);
const promPerCell = perCall(() => {
  for (let i = 0; i < CELLS; i++) histogram.observe({ rule: 'math-answer', outcome: 'scored' }, 0.002);
}, 20);
const plainPerCell = perCall(() => {
  for (let i = 0; i < CELLS; i++) plain.observe('math-answer', 'scored', 0.002);
}, 20);
console.log(`per cell observed: prom-client Histogram ${fmt((1000 * promPerCell) / CELLS, 3)} µs, cell-metrics.ts ${fmt((1000 * plainPerCell) / CELLS, 3)} µs`);

// 256 completions with LaTeX (quotes and backslashes to escape), 3 rules each: one chunk's worth of cells.
const completion = (i: number) => `<think>\n${'We have \\frac{a}{b} = "x" and \\sqrt{2}. '.repeat(40)}\n</think>\nThe answer is \\boxed{${i}}.`;
const samples = Array.from({ length: 256 }, (_, i) => ({ completion: completion(i), prompt: 'Compute \\int_0^1 x\\,dx.', reference: String(i) }));
const jobs: CellJob[] = samples.flatMap((sample) =>
  ['math-answer', 'think-format', 'tag-count'].map((ruleId) => ({ ruleId, params: {}, sample, timeoutMs: 2000 })),
);
const chunkJson = perCall(() => {
  const { chunk, texts } = encodeChunk(jobs, 1);
  JSON.parse(chunk);
  return texts.length;
}, 50);
const textsInside = perCall(() => JSON.parse(JSON.stringify(jobs)), 50);
const cloned = perCall(() => v8.deserialize(v8.serialize(jobs)), 50);
console.log(
  `a chunk of 768 cells (256 completions): encodeChunk + parse ${fmt(chunkJson, 2)} CPU ms, texts inside the JSON ${fmt(textsInside, 2)} ms, structured clone ${fmt(cloned, 2)} ms`,
);

// Details of 100,000 cells as a worker's results decode them (fresh objects: sizes are remembered per
// object), each through the cell cap, a response's budget and the cache, at the default limits.
const DETAIL_CELLS = 100_000;
const detailsOf = (i: number) =>
  [
    { flags: { think_blocks: 1, tag_count: 4, boxed_in_answer: 1, distinct_boxed: 1, repetition_rate: 0.013 } },
    { extracted: `\\frac{${i}}{2}`, gold: '\\frac{1}{2}', method: 'symbolic', steps: 3 },
    { passed: 3, tests: 4, stdout: `case ${i}: ${'ok '.repeat(60)}` },
  ][i % 3];
const results = encodeResults(Array.from({ length: DETAIL_CELLS }, (_, i): WorkerResult => [i, { score: 1, ms: 0.1, details: detailsOf(i) }]));
const accountingMs: number[] = [];
for (let run = 0; run < 6; run++) {
  const outcomes = decodeResults(results);
  const cache = createCellCache(100_000, 64 * 1024 * 1024);
  const budget = createDetailsBudget(64 * 1024 * 1024);
  const before = cpuMs();
  for (const [i, reported] of outcomes) {
    const outcome = capCellDetails(reported, 16_384);
    cache.set(String(i), outcome);
    budget.take(outcome.details!);
  }
  if (run > 0) accountingMs.push(cpuMs() - before); // the first run warms up
}
console.log(
  `details of a cell counted (cell cap, response budget, cache): ${accountingMs.map((ms) => fmt((1000 * ms) / DETAIL_CELLS, 2)).join(', ')} µs a cell over ${DETAIL_CELLS} cells`,
);
