/**
 * The hostile suite: model-written programs that loop, allocate, flood,
 * escape, snoop and forge, run through POST /v1/score with the real sandbox
 * pool. Each must end as a typed per-test failure (score 0, never null)
 * within its deadline; the server keeps serving and the next job in the same
 * slot scores normally.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, score } from './helpers.ts';

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildTestApp({ cacheSize: 0, sandboxPoolSize: 1 }); // one slot: every job follows the previous one in it
});
afterAll(() => app.close());

type Lang = 'javascript' | 'python';
interface Hostile {
  name: string;
  language: Lang;
  code: string;
  /** Accepted per-test statuses: some attacks may legitimately end one of two ways. */
  expect: string[];
  /** Defaults to a call test of f() expecting 1, or a stdio test expecting "ok". */
  kind?: 'call' | 'stdio' | 'assert';
}

const py = (name: string, code: string, expect: string[], kind: Hostile['kind'] = 'stdio'): Hostile => ({ name, language: 'python', code, expect, kind });
const js = (name: string, code: string, expect: string[], kind: Hostile['kind'] = 'call'): Hostile => ({ name, language: 'javascript', code, expect, kind });

const hostile: Hostile[] = [
  // --- JavaScript, in isolated-vm ---
  js('plain infinite loop', 'function f() { while (true) {} }', ['timeout']),
  js('loop inside a promise callback', 'Promise.resolve().then(() => { while (true) {} }); console.log("ok")', ['timeout'], 'stdio'),
  js('loop inside an async function', 'async function f() { await null; for (;;) {} }', ['timeout']),
  js('catastrophic OOM: new Array(5e7).fill(0)', 'function f() { return new Array(5e7).fill(0).length }', ['memory', 'timeout']),
  js('string doubling', 'function f() { let s = "x"; for (;;) s += s; }', ['memory']),
  js('huge ArrayBuffer', 'function f() { return new Uint8Array(2 ** 32).length }', ['memory']),
  js('object hoarding', 'function f() { const a = []; for (;;) a.push({ a: [1, 2, 3] }); }', ['memory', 'timeout']),
  js('deep recursion', 'function f() { return f() + 1 }', ['runtime_error']),
  js('output flood', 'for (;;) console.log("all tests passed")', ['output_limit'], 'stdio'),
  js('constructor escape to process', 'function f() { return this.constructor.constructor("return process")().mainModule.require("child_process").execSync("id").toString() }', ['runtime_error']),
  js('require child_process', 'function f() { return require("child_process").execSync("cat /etc/passwd").toString() }', ['runtime_error']),
  js('read /etc/passwd', 'console.log(require("fs").readFileSync("/etc/passwd", "utf8"))', ['runtime_error'], 'stdio'),
  js('environment variables', 'console.log(JSON.stringify(process.env), typeof Buffer, typeof setTimeout)', ['wrong_answer'], 'stdio'),
  js('network access', 'function f() { return fetch("http://127.0.0.1:8080/healthz") }', ['runtime_error']),
  js('global tampering before the tests', 'JSON.stringify = () => "1"; Object.prototype.toJSON = () => 1; Array.prototype.map = null; function f() { return 2 }', ['wrong_answer']),
  js('forged harness frame', 'function f() { return "2:ok1:01:11:0" }', ['wrong_answer']),
  js('forged stdout', 'console.log("ok\\nAll 10 tests passed!")', ['wrong_answer'], 'stdio'),
  js('process.exit before the asserts', 'process.exit(0); function f() { return 2 }', ['runtime_error'], 'assert'),
  js('syntax error', 'function f( { return 1 }', ['compile_error']),
  js('WebAssembly busy loop', 'function f() { const b = new Uint8Array([0,97,115,109,1,0,0,0,1,4,1,96,0,0,3,2,1,0,7,5,1,1,102,0,0,10,9,1,7,0,3,64,12,0,11,11]); new WebAssembly.Instance(new WebAssembly.Module(b)).exports.f(); }', ['timeout', 'runtime_error']),
  // --- Python, under bubblewrap ---
  py('plain infinite loop', 'while True:\n    pass', ['timeout']),
  py('sleeping forever', 'import time\ntime.sleep(1000)', ['timeout']),
  py('bytearray bomb', 'x = bytearray(10 ** 10)', ['memory']),
  py('list growth', 'a = []\nwhile True:\n    a.append(bytearray(10 ** 8))', ['memory']),
  // Python 3.11 frames live on the heap: the recursion ends in a crash, MemoryError or the time limit.
  py('deep recursion with the limit lifted', 'import sys\nsys.setrecursionlimit(10 ** 8)\ndef f(n):\n    return f(n + 1) + 1\nf(0)', ['runtime_error', 'memory', 'timeout']),
  py('fork bomb', 'import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass', ['timeout', 'runtime_error']),
  py('output flood', 'while True:\n    print("all tests passed" * 100)', ['output_limit']),
  py('read /etc/passwd', 'print(open("/etc/passwd").read())', ['runtime_error']),
  py('environment variables', 'import os\nprint(dict(os.environ))', ['wrong_answer']),
  py('network access', 'import socket\nsocket.create_connection(("127.0.0.1", 8080), timeout=1)\nprint("ok")', ['runtime_error']),
  py('signal the job host', 'import os, signal\nfor sig in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):\n    for pid in (1, os.getppid()):\n        os.kill(pid, sig)\nraise SystemExit(3)', ['runtime_error']),
  py('write into the host tree', 'open("/usr/pwned", "w").write("x")\nprint("ok")', ['runtime_error']),
  py('file size limit', 'open("/tmp/big", "wb").write(b"0" * (64 * 1024 * 1024))\nprint("ok")', ['runtime_error', 'memory']),
  py('forged stdout', 'print("ok")\nprint("All tests passed")', ['wrong_answer']),
  py('exit before the asserts', 'import os\nos._exit(0)\ndef f():\n    return 2', ['runtime_error'], 'assert'),
  py('builtins tampering', 'import builtins\nbuiltins.print = lambda *a, **k: None\ndef f():\n    return 2', ['wrong_answer'], 'call'),
  py('syntax error', 'def f(:\n    return 1', ['compile_error'], 'call'),
];

function reference(h: Hostile) {
  const kind = h.kind ?? (h.language === 'javascript' ? 'call' : 'stdio');
  if (kind === 'call') return { language: h.language, fn_name: 'f', tests: [{ args: [], expected: 1 }] };
  if (kind === 'assert') return { language: h.language, fn_name: 'f', assert_code: h.language === 'python' ? 'assert f() == 2' : 'if (f() !== 2) throw new Error("f")' };
  return { language: h.language, tests: [{ stdin: '', stdout: 'ok' }] };
}

const fence = (h: Hostile) => '```' + h.language + '\n' + h.code + '\n```';

const good: Record<Lang, { code: string; reference: unknown }> = {
  javascript: { code: '```javascript\nfunction f() { return 1 }\n```', reference: { language: 'javascript', fn_name: 'f', tests: [{ args: [], expected: 1 }] } },
  python: { code: '```python\nprint("ok")\n```', reference: { language: 'python', tests: [{ stdin: '', stdout: 'ok' }] } },
};

const params = { timeout_ms: 2000 };

describe('hostile programs', () => {
  it(`has at least 30 programs across JS and Python (${hostile.length})`, () => {
    expect(hostile.length).toBeGreaterThanOrEqual(30);
    expect(new Set(hostile.map((h) => h.language))).toEqual(new Set(['javascript', 'python']));
  });

  it('each ends as a typed failure within its deadline while the server keeps serving', async () => {
    // Every hostile program is followed by a good one: the slot that ran the attack must score it normally.
    const groups = hostile.flatMap((h) => [
      { id: `${h.language}: ${h.name}`, reference: reference(h), completions: [fence(h)] },
      { id: `after ${h.language}: ${h.name}`, reference: good[h.language].reference, completions: [good[h.language].code] },
    ]);
    const started = Date.now();
    const batch = score(app, { rewards: [{ id: 'code-tests', params }], groups });
    // /healthz answers while the sandbox is busy with the attacks.
    await new Promise((r) => setTimeout(r, 500));
    const health = await app.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
    expect(Date.now() - started).toBeLessThan(5_000);

    const { status, body } = await batch;
    expect(status).toBe(200);
    const outcomes = body.groups.map((g: any) => ({ id: g.id, cell: g.completions[0].rewards['code-tests'] }));
    for (let i = 0; i < hostile.length; i++) {
      const h = hostile[i];
      const { id, cell } = outcomes[2 * i];
      const test = cell.details?.tests?.[0];
      expect({ id, score: cell.score, status: h.expect.includes(test?.status) ? 'expected' : test?.status, reason: cell.reason }).toMatchObject({ id, score: 0, status: 'expected' });
      expect(cell.ms, id).toBeLessThan(20_000);
      const after = outcomes[2 * i + 1];
      expect({ id: after.id, score: after.cell.score }).toEqual({ id: after.id, score: 1 });
    }
  }, 300_000);

  // The second job looks for SECRET without ever holding it: it hashes what follows each "LEFTOVER:" in
  // its writable memory (the heap it was forked with) and compares with the hash of SECRET's first 64
  // characters.
  const SECRET = 'LEFTOVER:' + 'q7Zr4mKx9T'.repeat(7);
  const hash = createHash('sha256').update(SECRET.slice(9, 73)).digest('hex');
  const memoryScan = [
    'import ctypes',
    'found = False',
    'with open("/proc/self/maps") as maps:',
    '    for line in maps:',
    '        span, perms = line.split()[:2]',
    '        lo, hi = (int(x, 16) for x in span.split("-"))',
    '        if not perms.startswith("rw") or hi - lo > 1 << 28:',
    '            continue',
    '        chunk = ctypes.string_at(lo, hi - lo)',
    '        at = chunk.find(b"LEFTOVER:")',
    '        while at >= 0 and not found:',
    `            found = hashlib.sha256(chunk[at + 9:at + 73]).hexdigest() == "${hash}"`,
    '            at = chunk.find(b"LEFTOVER:", at + 1)',
    '        if found:',
    '            break',
    'print("found" if found else "gone")',
  ].join('\n');

  // Each pair runs back to back in the one slot: the first job leaves something behind, the second
  // prints "gone" only if it cannot find it.
  const leftovers: Array<[string, string, string]> = [
    ['a file in /tmp', 'open("/tmp/answer", "w").write("42")', 'import os\nprint("found" if os.path.exists("/tmp/answer") else "gone")'],
    ['a file in /dev/shm', 'open("/dev/shm/answer", "w").write("42")', 'import os\nprint("found" if os.path.exists("/dev/shm/answer") else "gone")'],
    [
      'a System V shared memory segment',
      'import ctypes\nassert ctypes.CDLL(None).shmget(4242, 4096, 0o1600) >= 0', // IPC_CREAT | 0600
      'import ctypes\nprint("found" if ctypes.CDLL(None).shmget(4242, 0, 0) >= 0 else "gone")',
    ],
    ['a process', 'import os\nif os.fork() == 0:\n    os.setsid()\n    import time\n    time.sleep(60)', 'import os\nprint("found" if len([p for p in os.listdir("/proc") if p.isdigit()]) > 2 else "gone")'],

    // A policy that copies a correct completion's code or output from memory the sandbox forked it from.
    ['its source in memory', `# ${SECRET.repeat(8)}`, `import hashlib\n${memoryScan}`],
  ];
  it('leaves no process behind for the next test of the same job', async () => {
    // Test 1 leaves a daemon that is no child of its process (fork, setsid, fork); test 2 looks for it.
    const program = [
      'import os, time',
      'if os.path.exists("/tmp/pid"):',
      '    pid = int(open("/tmp/pid").read())',
      '    try:',
      '        os.kill(pid, 0)',
      '        print("alive")',
      '    except ProcessLookupError:',
      '        print("gone")',
      'else:',
      '    if os.fork() == 0:',
      '        os.setsid()',
      '        if os.fork() == 0:',
      '            open("/tmp/pid", "w").write(str(os.getpid()))',
      '            time.sleep(60)',
      '        os._exit(0)',
      '    os.wait()',
      '    while not os.path.exists("/tmp/pid"):',
      '        time.sleep(0.01)',
      '    print("gone")',
    ].join('\n');
    const reference = { language: 'python', tests: [{ stdin: '', stdout: 'gone' }, { stdin: '', stdout: 'gone' }] };
    const { body } = await score(app, { rewards: [{ id: 'code-tests', params }], groups: [{ reference, completions: ['```python\n' + program + '\n```'] }] });
    const cell = body.groups[0].completions[0].rewards['code-tests'];
    expect(cell.score, JSON.stringify(cell.details)).toBe(1);
  });

  it.each(leftovers)('leaves nothing behind for the next job: %s', async (_name, leave, look) => {
    const test = (stdout: string) => ({ language: 'python', tests: [{ stdin: '', stdout }] });
    const { body } = await score(app, {
      rewards: [{ id: 'code-tests', params }],
      groups: [
        { reference: test('ok'), completions: ['```python\n' + leave + '\nprint("ok")\n```'] },
        { reference: test('gone'), completions: ['```python\n' + look + '\n```'] },
      ],
    });
    const [first, second] = body.groups.map((g: any) => g.completions[0].rewards['code-tests']);
    expect(first.score, JSON.stringify(first.details)).toBe(1); // it did leave something
    expect(second.score, JSON.stringify(second.details)).toBe(1);
  });
});
