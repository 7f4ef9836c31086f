/**
 * The sandbox's own contract, below the reward: what each mode reports for a
 * program, in a forked child (isolated-vm never loads in the vitest worker).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxRunRequest, SandboxRunResult } from '../rewards/types.ts';
import { resolveSandboxOptions } from '../src/sandbox/options.ts';
import { selfTestPython } from '../src/sandbox/self-test.ts';

interface SandboxChild {
  run(request: Partial<SandboxRunRequest>): Promise<SandboxRunResult>;
  kill(): void;
}

async function startChild(options: Record<string, unknown>): Promise<SandboxChild> {
  const child: ChildProcess = fork('tests/fixtures/sandbox-child.ts', [JSON.stringify(options)], {
    execArgv: ['--no-node-snapshot'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting = new Map<number, (msg: { result?: SandboxRunResult; error?: string }) => void>();
  let nextId = 0;
  child.on('message', (msg: any) => waiting.get(msg.id)?.(msg));
  await new Promise((resolve) => child.once('message', resolve));
  return {
    run(request) {
      const id = ++nextId;
      return new Promise((resolve, reject) => {
        waiting.set(id, (msg) => (msg.result ? resolve(msg.result) : reject(new Error(msg.error))));
        child.send({ id, request: { language: 'javascript', timeoutMs: 1000, inputs: [], ...request } });
      });
    },
    kill: () => child.kill('SIGKILL'),
  };
}

let sandbox: SandboxChild;
beforeAll(async () => {
  sandbox = await startChild({});
});
afterAll(() => sandbox.kill());
const run = (request: Partial<SandboxRunRequest>) => sandbox.run(request);

const summary = (r: SandboxRunResult) => r.tests.map((t) => [t.status, t.value ?? t.stdout.trim()]);

describe('sandbox runs', () => {
  const cases: Array<[string, Partial<SandboxRunRequest>, Array<[string, string]>]> = [
    // top-level const bindings are found by name
    [
      'js call, const arrow',
      { mode: 'call', fnName: 'add', source: 'const add = (a, b) => a + b;', inputs: ['[1,2]', '[2,3]'] },
      [
        ['ok', '3'],
        ['ok', '5'],
      ],
    ],
    // a loop in the second test times out that test only; the third still runs
    // an async function's value is awaited; one that never settles is a timeout, the others still count
    [
      'js call, async results',
      {
        mode: 'call',
        fnName: 'f',
        source: 'async function f(x) { if (x === 2) return new Promise(() => {}); await null; return x * 10 }',
        inputs: ['[1]', '[2]', '[3]'],
      },
      [
        ['ok', '10'],
        ['timeout', ''],
        ['ok', '30'],
      ],
    ],
    [
      'js call, loop mid-batch',
      { mode: 'call', fnName: 'f', source: 'function f(x) { while (x === 2) {} return x }', inputs: ['[1]', '[2]', '[3]'] },
      [
        ['ok', '1'],
        ['timeout', ''],
        ['ok', '3'],
      ],
    ],
    // ES module syntax is rewritten; TypeScript types are stripped
    [
      'ts export',
      { language: 'typescript', mode: 'call', fnName: 'sq', source: 'export function sq(x: number): number { return x * x }', inputs: ['[4]'] },
      [['ok', '16']],
    ],
    // async functions are awaited (microtasks only: no timers in the isolate)
    ['js async', { mode: 'call', fnName: 'f', source: 'async function f(x) { await null; return [x] }', inputs: ['[7]'] }, [['ok', '[7]']]],
    // undefined is not JSON: a failure, not a silent null
    ['js undefined', { mode: 'call', fnName: 'f', source: 'function f() {}', inputs: ['[]'] }, [['runtime_error', '']]],
    // stdin through readline, output through console.log
    [
      'js readline',
      {
        mode: 'stdio',
        source:
          'const rl = require("readline").createInterface({ input: process.stdin }); let s = 0; rl.on("line", (l) => (s += +l)); rl.on("close", () => console.log(s));',
        inputs: ['1\n2\n3\n'],
      },
      [['ok', '6']],
    ],
    // process.exit(0) ends a stdio program normally
    ['js exit(0)', { mode: 'stdio', source: 'console.log("a"); process.exit(0); console.log("b")', inputs: [''] }, [['ok', 'a']]],
    // each stdio test runs in a fresh context: no state carries over
    [
      'js fresh context',
      { mode: 'stdio', source: 'globalThis.n = (globalThis.n ?? 0) + 1; console.log(n)', inputs: ['', ''] },
      [
        ['ok', '1'],
        ['ok', '1'],
      ],
    ],
    // LeetCode-style class Solution in Python
    [
      'py Solution',
      { language: 'python', mode: 'call', fnName: 'twoSum', source: 'class Solution:\n    def twoSum(self, a, b):\n        return a + b', inputs: ['[1,2]'] },
      [['ok', '3']],
    ],
    // sys.exit(0) ends a stdio program normally; each test gets its own stdin
    [
      'py stdio',
      { language: 'python', mode: 'stdio', source: 'import sys\nprint(int(input()) * 2)\nsys.exit(0)', inputs: ['1', '2', '3'] },
      [
        ['ok', '2'],
        ['ok', '4'],
        ['ok', '6'],
      ],
    ],
    // state a test changes (builtins, sys.stdout, globals) is back to normal for the next one
    [
      'py state reset',
      {
        language: 'python',
        mode: 'stdio',
        source: 'import builtins, sys, io\nprint(getattr(builtins, "marker", 0))\nbuiltins.marker = 1\nsys.stdout = io.StringIO()',
        inputs: ['', ''],
      },
      [
        ['ok', '0'],
        ['ok', '0'],
      ],
    ],
    // a test that times out does not take the next one with it
    [
      'py after timeout',
      { language: 'python', mode: 'call', fnName: 'f', source: 'def f(x):\n    while x == 1:\n        pass\n    return x', inputs: ['[1]', '[2]'] },
      [
        ['timeout', ''],
        ['ok', '2'],
      ],
    ],
    // NaN and Infinity are not JSON: JSON.stringify would write null, a silent skip (regression: a js-function returning NaN was skipped_by_rule)
    ['js NaN', { mode: 'call', fnName: 'f', source: 'function f() { return NaN }', inputs: ['[]'] }, [['runtime_error', '']]],
    [
      'js Infinity inside an object',
      { mode: 'call', fnName: 'f', source: 'function f() { return { score: 1, details: { r: -Infinity } } }', inputs: ['[]'] },
      [['runtime_error', '']],
    ],
    ['js a real null is still a value', { mode: 'call', fnName: 'f', source: 'function f() { return [null, 1] }', inputs: ['[]'] }, [['ok', '[null,1]']]],
    // a return value is output: bounded like stdout (SANDBOX_OUTPUT_BYTES)
    [
      'js return value beyond the output cap',
      { mode: 'call', fnName: 'f', source: 'function f() { return "x".repeat(2e6) }', inputs: ['[]'] },
      [['output_limit', '']],
    ],
    // NaN is not JSON
    ['py NaN', { language: 'python', mode: 'call', fnName: 'f', source: 'def f():\n    return float("nan")', inputs: ['[]'] }, [['runtime_error', '']]],
    // arguments arrive as the JSON text says: 3.0 is a float
    [
      'py float argument',
      { language: 'python', mode: 'call', fnName: 'f', source: 'def f(x):\n    return type(x).__name__', inputs: ['[3.0]', '[3]'] },
      [
        ['ok', '"float"'],
        ['ok', '"int"'],
      ],
    ],
    // output printed by an atexit function counts, as under python3 program.py
    [
      'py atexit output',
      { language: 'python', mode: 'stdio', source: 'import atexit\natexit.register(lambda: print("late"))\nprint("early")', inputs: [''] },
      [['ok', 'early\nlate']],
    ],
    // assert-style: the test code reaches the program's functions and constants through plain values
    [
      'py assert',
      { language: 'python', mode: 'script', source: 'K = 3\ndef f(x):\n    return (x, [x])', assertCode: 'assert f(2) == (2, [2]) and K == 3', inputs: [''] },
      [['ok', '']],
    ],
    [
      'js assert',
      {
        mode: 'script',
        source: 'const K = 3; const f = (x) => [x, { x }];',
        assertCode: 'if (JSON.stringify(f(2)) !== \'[2,{"x":2}]\' || K !== 3) throw new Error("f")',
        inputs: [''],
      },
      [['ok', '']],
    ],
    // what the harness removes is not needed by common string and number methods
    [
      'js locale methods',
      {
        mode: 'call',
        fnName: 'f',
        source: 'function f() { return ["b", "a"].sort((x, y) => x.localeCompare(y)).join("") + (1234.5).toLocaleString("en-US") }',
        inputs: ['[]'],
      },
      [['ok', '"ab1,234.5"']],
    ],
  ];
  it.each(cases)('%s', async (_name, request, expected) => {
    expect(summary(await run(request))).toEqual(expected);
  });

  it.each(['javascript', 'python'] as const)("reports %s test code that does not compile as the reference's fault, running nothing", async (language) => {
    const result = await run({
      language,
      mode: 'script',
      source: language === 'python' ? 'def f():\n    return 2' : 'function f() { return 2 }',
      assertCode: 'assert f( == 2',
      inputs: [''],
    });
    expect(result.tests).toEqual([]);
    expect(result.testsError).toMatch(/./);
  });

  it('stops starting tests at the deadline', async () => {
    const result = await run({ mode: 'call', fnName: 'f', source: 'function f() { return 1 }', inputs: ['[]'], deadline: Date.now() - 1 });
    expect(result.tests.map((t) => t.status)).toEqual(['timeout']);
  });
});

describe('isolate recycling', () => {
  it('replaces isolates every few programs without losing a run or leaking a global', async () => {
    const recycling = await startChild({ isolateRecycleRuns: 2 });
    try {
      // Each program sees a fresh global, then leaves a marker: runs alternate between two isolates,
      // each replaced after two programs, and each program's context is built ahead of it.
      const source = 'const seen = typeof globalThis.marker; globalThis.marker = 1; function f(x) { return [x, seen] }';
      const results = [];
      for (let i = 0; i < 9; i++) results.push(await recycling.run({ mode: 'call', fnName: 'f', source, inputs: [`[${i}]`] }));
      expect(results.map(summary)).toEqual(Array.from({ length: 9 }, (_, i) => [['ok', `[${i},"undefined"]`]]));
    } finally {
      recycling.kill();
    }
  });
});

describe('sandbox options', () => {
  it('merges defaults and names a bad option', () => {
    expect(resolveSandboxOptions({ memoryMb: 64 }).memoryMb).toBe(64);
    expect(() => resolveSandboxOptions({ memoryMB: 64 })).toThrow('sandbox option "memoryMB" is unknown');
    expect(() => resolveSandboxOptions({ outputBytes: 0 })).toThrow('"outputBytes" must be an integer >= 1');
    expect(() => resolveSandboxOptions({ python: 'yes' })).toThrow('"python" must be a boolean');
  });

  it('passes the Python self-test on this machine, and fails it without bubblewrap', async () => {
    await expect(selfTestPython({})).resolves.toBeUndefined();
    await expect(selfTestPython({ bwrapPath: '/nonexistent/bwrap' })).rejects.toThrow(/SANDBOX_PYTHON=off/);
  });
});
