/**
 * Code execution through POST /v1/score with the real sandbox pool: 1,024 JS
 * completions x 10 function-call tests and 256 Python completions x 10
 * stdin/stdout tests. Prints programs/s (wall clock of the whole batch) and
 * the p50/p99 time per program (the cell's own `ms`).
 */
import { fmt, percentile, postJson, startServer } from './lib.ts';

const TESTS = 10;
const GROUP_SIZE = 16;

interface Suite {
  label: string;
  programs: number;
  completion: (i: number) => string;
  reference: unknown;
}

const jsSuite: Suite = {
  label: 'JavaScript, 10 function-call tests each',
  programs: 1024,
  // Each completion differs, so nothing is answered from a cache.
  completion: (i) => '```javascript\n' + `function solve(xs, k) {\n  // variant ${i}\n  let best = -Infinity;\n  for (const x of xs) best = Math.max(best, x * k);\n  return best;\n}\n` + '```',
  reference: { language: 'javascript', fn_name: 'solve', tests: Array.from({ length: TESTS }, (_, t) => ({ args: [[t, t + 1, t + 2], 2], expected: 2 * (t + 2) })) },
};

const pySuite: Suite = {
  label: 'Python, 10 stdin/stdout tests each',
  programs: 256,
  completion: (i) => '```python\n' + `# variant ${i}\nn = int(input())\nxs = list(map(int, input().split()))\nprint(sum(xs) * n)\n` + '```',
  reference: { language: 'python', tests: Array.from({ length: TESTS }, (_, t) => ({ stdin: `${t}\n1 2 3\n`, stdout: `${6 * t}\n` })) },
};

function body(suite: Suite, count: number) {
  const groups = Array.from({ length: Math.ceil(count / GROUP_SIZE) }, (_, g) => ({
    reference: suite.reference,
    completions: Array.from({ length: GROUP_SIZE }, (_, i) => suite.completion(g * GROUP_SIZE + i)),
  }));
  return { rewards: [{ id: 'code-tests' }], groups };
}

export async function benchCode(): Promise<Array<{ label: string; programsPerSec: number; p50: number; p99: number; passed: number; programs: number }>> {
  const { app, url } = await startServer({ cacheSize: 0 });
  try {
    const results = [];
    for (const suite of [jsSuite, pySuite]) {
      await postJson(`${url}/v1/score`, body(suite, 32)); // warm-up: isolates, the fork server, JIT
      const { status, json, ms } = await postJson(`${url}/v1/score`, body(suite, suite.programs));
      if (status !== 200) throw new Error(`status ${status}: ${JSON.stringify(json).slice(0, 300)}`);
      const cells = json.groups.flatMap((g: any) => g.completions.map((c: any) => c.rewards['code-tests']));
      const times = cells.map((c: any) => c.ms as number).sort((a: number, b: number) => a - b);
      const passed = cells.filter((c: any) => c.score === 1).length;
      results.push({ label: suite.label, programs: cells.length, programsPerSec: (cells.length * 1000) / ms, p50: percentile(times, 50), p99: percentile(times, 99), passed });
    }
    return results;
  } finally {
    await app.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await benchCode()) {
    console.log(`code-tests, ${r.programs} programs (${r.label}): ${fmt(r.programsPerSec, 0)} programs/s; per program p50 ${fmt(r.p50, 2)} ms, p99 ${fmt(r.p99, 2)} ms; ${r.passed}/${r.programs} passed`);
  }
}
