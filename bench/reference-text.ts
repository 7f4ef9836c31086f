/**
 * The body parser's extra step for exact reference numbers (src/reference-text.ts),
 * against JSON.parse of the same body: a code batch whose references hold
 * integers (the step parses the body a second time) and a math batch of the
 * same size with string references (the step only walks the references).
 * CPU time per body, median of 20 after a warm-up. Run with
 * `node --import tsx bench/reference-text.ts`.
 */
import { keepReferenceTexts } from '../src/reference-text.ts';
import { fmt, median } from './lib.ts';

const GROUPS = 64;
const GROUP_SIZE = 16;
const RUNS = 20;

function codeBody(): string {
  const groups = Array.from({ length: GROUPS }, (_, g) => ({
    reference: { language: 'python', fn_name: 'solve', tests: Array.from({ length: 10 }, (_, t) => ({ args: [[t, t + 1, g], 2], expected: 2 * (t + g) })) },
    completions: Array.from(
      { length: GROUP_SIZE },
      (_, i) => '```python\n# variant ' + i + '\ndef solve(xs, k):\n    ' + 'best = max(x * k for x in xs)  # scale 1.0\n    '.repeat(12) + 'return best\n```',
    ),
  }));
  // One float written as 3.0, as HumanEval/92 has: the step has text to keep.
  return JSON.stringify({ rewards: [{ id: 'code-tests' }], groups }).replace('"args":[[0,1,0],2]', '"args":[[0,1,0],2.0]');
}

function mathBody(size: number): string {
  const filler = 'x'.repeat(Math.ceil(size / (GROUPS * GROUP_SIZE)));
  const groups = Array.from({ length: GROUPS }, (_, g) => ({
    reference: String(g),
    completions: Array.from({ length: GROUP_SIZE }, () => `${filler} \\boxed{${g}}`),
  }));
  return JSON.stringify({ rewards: [{ id: 'math-answer' }], groups });
}

function cpuMs(work: () => void): number {
  const samples: number[] = [];
  for (let run = -3; run < RUNS; run++) {
    const before = process.cpuUsage();
    work();
    const used = process.cpuUsage(before);
    if (run >= 0) samples.push((used.user + used.system) / 1000);
  }
  return median(samples);
}

const code = codeBody();
for (const [label, text] of [
  ['code batch', code],
  ['math batch', mathBody(code.length)],
] as const) {
  const parse = cpuMs(() => JSON.parse(text));
  const step = cpuMs(() => keepReferenceTexts(JSON.parse(text), () => text)) - parse;
  console.log(
    `${label}, ${fmt(text.length / 1024, 0)} KiB: JSON.parse ${fmt(parse, 2)} ms CPU; exact reference numbers +${fmt(Math.max(0, step), 2)} ms (Node ${process.versions.node})`,
  );
}
