/**
 * The costliest answers we know how to write for `math-answer`, each filling
 * a guard rail (4,000 characters, 1,500 nodes, exact-size and work budgets)
 * in a different part of the engine. Each is scored in-process, warm, and
 * timed in CPU (process.cpuUsage over REPEAT verdicts); the verdict must be a
 * 0, never a null. Run: `npm run bench:math` (or `node --import tsx bench/math-worst.ts`).
 */
import { verify } from '../src/math/index.ts';
import { fmt } from './lib.ts';

const REPEAT = 5;
const box = (s: string) => `Thus the answer is $\\boxed{${s}}$.`;
const range = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i));

export const CRAFTED: { name: string; gold: string; completion: string }[] = [
  { name: '200 polynomials against 2 items (issue #18)', gold: '1, 2', completion: box(range(200, (i) => `x^2 + ${i}x`).join(', ')) },
  { name: '700 numbers against 2 items', gold: '1, 2', completion: box(range(700, (i) => String(i + 3)).join(', ')) },
  { name: '700 numbers against 700 others', gold: range(700, (i) => String(i + 1)).join(', '), completion: box(range(700, (i) => String(i + 2)).join(', ')) },
  {
    name: '60 identities floats must check',
    gold: '\\sin 2x, 0',
    completion: box(range(60, (i) => `${i % 2 ? '2\\cos x\\sin x' : '2\\sin x \\cos x'}`).join(', ')),
  },
  {
    name: '80 trig identities with constants',
    gold: '\\sin 2x + 1',
    completion: box(range(80, (i) => `\\sin^2(x+${i}) + \\cos^2(x+${i})`).join('+') + ` - 80 + \\sin 2x`),
  },
  { name: 'harmonic sum of 500 terms, exact', gold: '1', completion: box('\\sum_{k=1}^{500} \\frac{1}{k}') },
  { name: 'Basel sum of 500 terms, exact', gold: '\\frac{\\pi^2}{6}', completion: box('\\sum_{k=1}^{500} \\frac{1}{k^2}') },
  { name: '300 distinct fractions added', gold: '1', completion: box(range(300, (i) => `\\frac{1}{${i + 2}}`).join('+')) },
  { name: '(x+1)^{4000}', gold: 'x^2', completion: box('(x+1)^{4000}') },
  { name: '(a+b+c+d+e+f)^{30}', gold: 'x^2', completion: box('(a+b+c+d+e+f)^{30}') },
  { name: 'product of 40 binomials', gold: 'x^2', completion: box(range(40, (i) => `(x+${i})`).join('')) },
  { name: 'big powers multiplied', gold: '5', completion: box(range(30, (i) => `${i + 2}^{${1000 + i}}`).join('\\cdot')) },
  { name: 'nested roots to the depth limit', gold: '2', completion: box('\\sqrt{'.repeat(55) + '2' + '}'.repeat(55)) },
  { name: 'nested sines to the depth limit', gold: '\\sin x', completion: box('\\sin('.repeat(55) + 'x' + ')'.repeat(55)) },
  { name: 'nested sums of 8e9 terms', gold: '5', completion: box('\\sum_{i=1}^{2000} \\sum_{j=1}^{2000} \\sum_{k=1}^{2000} i j k') },
  { name: 'union of 150 intervals against an inequality', gold: 'x > 0', completion: box(range(150, (i) => `(${2 * i}, ${2 * i + 1})`).join('\\cup ')) },
  { name: 'set-builder with 100 conditions', gold: '(0, 2)', completion: box(`\\{x \\mid ${range(100, (i) => `x \\ne ${i + 2}`).join(', ')}, 0 < x < 1\\}`) },
  { name: '4,000-digit decimal against pi', gold: '\\pi', completion: box(`3.${'1'.repeat(3990)}`) },
  {
    name: 'matrix 20x20 to the 64th power',
    gold: '5',
    completion: box(`\\begin{pmatrix}${range(20, (r) => range(20, (c) => String((r * 7 + c) % 5)).join('&')).join('\\\\')}\\end{pmatrix}^{64}`),
  },
  {
    name: 'determinant of a 30x30 matrix',
    gold: '5',
    completion: box(`\\det\\begin{pmatrix}${range(30, (r) => range(30, (c) => String((r * 3 + c * c) % 7)).join('&')).join('\\\\')}\\end{pmatrix}`),
  },
  { name: 'three ± over a list', gold: '1, 2', completion: box(range(120, (i) => `${i} \\pm 1 \\pm 2 \\pm 3`).join(', ')) },
  {
    name: '50,000 characters of prose and boxes',
    gold: '5',
    completion: range(2500, (i) => `step ${i}: $x_${i} = ${i}$ so \\boxed{${i}} `).join('') + box('6'),
  },
  { name: 'a 1,500-node expression against a polynomial', gold: 'x^2 + 1', completion: box(range(370, (i) => `x^{${i % 9}}`).join('+')) },
];

export interface WorstRow {
  name: string;
  cpuMs: number;
  score: number | null;
  reason: string;
}

export function worstAnswers(): WorstRow[] {
  for (const c of CRAFTED) verify(c.gold, c.completion, {}); // warm-up: JIT and the mathjs instance
  return CRAFTED.map((c) => {
    const start = process.cpuUsage();
    let result = verify(c.gold, c.completion, {});
    for (let i = 1; i < REPEAT; i++) result = verify(c.gold, c.completion, {});
    const used = process.cpuUsage(start);
    return { name: c.name, cpuMs: (used.user + used.system) / 1000 / REPEAT, score: result.score, reason: result.reason ?? '' };
  }).sort((a, b) => b.cpuMs - a.cpuMs);
}

export function printWorst(rows: WorstRow[]): void {
  console.log(`\nworst answers we could craft (CPU ms per verdict, warm, mean of ${REPEAT}; in-process)`);
  console.log('| answer | CPU ms | score | reason |');
  console.log('|---|---:|---:|---|');
  for (const r of rows) console.log(`| ${r.name} | ${fmt(r.cpuMs, 1)} | ${r.score} | ${r.reason} |`);
}

if (import.meta.url === `file://${process.argv[1]}`) printWorst(worstAnswers());
