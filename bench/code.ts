/**
 * Code execution through POST /v1/score with the real sandbox pool: 1,024 JS
 * completions x 10 function-call tests and 256 Python completions x 10
 * stdin/stdout tests. Prints programs/s (wall clock of the whole batch; the
 * median of three batches after a warm-up batch of 1,024 JS or 32 Python
 * programs, as in a training run where the server is long-lived), the p50/p99 time per program (the cell's own
 * `ms`, over the three batches), and the CPU per program of the whole process tree (this process, the pools,
 * the sandboxes and every test process they waited for), which a shared machine's load does not inflate
 * as it does wall time.
 */
import { fmt, median, percentile, postJson, startServer } from './lib.ts';
import { treeCpu } from './process-cpu.ts';

const TESTS = 10;
const GROUP_SIZE = 16;
const RUNS = 3;

interface Suite {
  label: string;
  programs: number;
  /** Programs scored before timing: V8 optimises the harness in both isolates; the fork server is up. */
  warmUp: number;
  completion: (i: number) => string;
  reference: unknown;
}

const jsSuite: Suite = {
  label: 'JavaScript, 10 function-call tests each',
  programs: 1024,
  warmUp: 1024,
  // Each completion differs, so nothing is answered from a cache.
  completion: (i) =>
    '```javascript\n' +
    `function solve(xs, k) {\n  // variant ${i}\n  let best = -Infinity;\n  for (const x of xs) best = Math.max(best, x * k);\n  return best;\n}\n` +
    '```',
  reference: {
    language: 'javascript',
    fn_name: 'solve',
    tests: Array.from({ length: TESTS }, (_, t) => ({ args: [[t, t + 1, t + 2], 2], expected: 2 * (t + 2) })),
  },
};

const pySuite: Suite = {
  label: 'Python, 10 stdin/stdout tests each',
  programs: 256,
  warmUp: 32,
  completion: (i) => '```python\n' + `# variant ${i}\nn = int(input())\nxs = list(map(int, input().split()))\nprint(sum(xs) * n)\n` + '```',
  reference: { language: 'python', tests: Array.from({ length: TESTS }, (_, t) => ({ stdin: `${t}\n1 2 3\n`, stdout: `${6 * t}\n` })) },
};

let variant = 0; // every completion differs, across batches too, so nothing is answered from a cache

function body(suite: Suite, count: number) {
  const groups = Array.from({ length: Math.ceil(count / GROUP_SIZE) }, () => ({
    reference: suite.reference,
    completions: Array.from({ length: GROUP_SIZE }, () => suite.completion(variant++)),
  }));
  return { rewards: [{ id: 'code-tests' }], groups };
}

export async function benchCode(): Promise<
  Array<{ label: string; programsPerSec: number; runs: number[]; p50: number; p99: number; cpuMsPerProgram: number; passed: number; programs: number }>
> {
  const { app, url } = await startServer({ cacheSize: 0 });
  try {
    const results = [];
    for (const suite of [jsSuite, pySuite]) {
      await postJson(`${url}/v1/score`, body(suite, suite.warmUp));
      const runs: number[] = [];
      const times: number[] = [];
      let passed = 0;
      const before = treeCpu(process.pid);
      for (let run = 0; run < RUNS; run++) {
        const { status, json, ms } = await postJson(`${url}/v1/score`, body(suite, suite.programs));
        if (status !== 200) throw new Error(`status ${status}: ${JSON.stringify(json).slice(0, 300)}`);
        const cells = json.groups.flatMap((g: any) => g.completions.map((c: any) => c.rewards['code-tests']));
        for (const cell of cells) times.push(cell.ms);
        passed += cells.filter((c: any) => c.score === 1).length;
        runs.push((cells.length * 1000) / ms);
      }
      const after = treeCpu(process.pid);
      const cpuMsPerProgram = (after.self + after.descendants - before.self - before.descendants) / (RUNS * suite.programs);
      times.sort((a, b) => a - b);
      results.push({
        label: suite.label,
        programs: suite.programs,
        programsPerSec: median(runs),
        runs,
        p50: percentile(times, 50),
        p99: percentile(times, 99),
        cpuMsPerProgram,
        passed: passed / RUNS,
      });
    }
    return results;
  } finally {
    await app.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await benchCode()) {
    const runs = r.runs.map((x) => fmt(x, 0)).join(', ');
    console.log(
      `code-tests, ${r.programs} programs (${r.label}): ${fmt(r.programsPerSec, 0)} programs/s (median of ${runs}); per program p50 ${fmt(r.p50, 2)} ms, p99 ${fmt(r.p99, 2)} ms, ${fmt(r.cpuMsPerProgram, 2)} ms CPU; ${r.passed}/${r.programs} passed`,
    );
  }
}
