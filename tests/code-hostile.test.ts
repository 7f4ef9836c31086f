/**
 * The hostile suite: programs that try to outlive their call, crash the
 * sandbox, allocate past the limits, reach another job, forge what the judge
 * reads, or lose the types of their arguments, in JavaScript, TypeScript and
 * Python, run through POST /v1/score with the real sandbox pool (one slot,
 * so every program follows the previous one in it). Each row names what its
 * program tries. Each must end as what its row expects, never null; the
 * correct program run after each in the same slot must score 1, as must the
 * next request; and each correct control scores 1.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExact, stringifyExact } from '../rewards/lib/code/exact-json.ts';
import { buildTestApp, score } from './helpers.ts';

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildTestApp({ cacheSize: 0, sandboxPoolSize: 1 }); // one slot: every job follows the previous one in it
});
afterAll(() => app.close());

type Lang = 'javascript' | 'typescript' | 'python';
type Kind = 'call' | 'stdio' | 'assert';
type Class = 'outlive' | 'crash' | 'memory' | 'isolation' | 'escape' | 'forge' | 'types';
interface Row {
  class: Class;
  /** What the program tries. */
  tries: string;
  language: Lang;
  code: string;
  /**
   * The statuses its test may end with (it scores 0), or 'pass' for a correct program that must score 1.
   * Programs that work hard before they fail may also time out on a busy machine.
   */
  expect: string[] | 'pass';
  kind: Kind;
  /** The reference, when not the default of its kind (a call of f() expecting 1, stdout "ok", or assert f() == 2). */
  reference?: Record<string, unknown>;
}

const row =
  (language: Lang, defaultKind: Kind) =>
  (cls: Class, tries: string, code: string, expect: Row['expect'], kind: Kind = defaultKind, reference?: Row['reference']): Row => ({
    class: cls,
    tries,
    language,
    code,
    expect,
    kind,
    reference,
  });
const js = row('javascript', 'call');
const ts = row('typescript', 'call');
const py = row('python', 'stdio');

/** A reference with its numbers as written (3.0, big integers): the request is sent as exact JSON text. */
const exact = (text: string) => parseExact(text) as Record<string, unknown>;

const pyLibc = 'import ctypes, os\nlibc = ctypes.CDLL(None, use_errno=True)\nlibc.syscall.restype = ctypes.c_long';

const rows: Row[] = [
  // --- JavaScript: code that would run after its call returns ---
  js(
    'outlive',
    'a FinalizationRegistry cleanup that loops forever',
    'function f() { new FinalizationRegistry(() => { for (;;) {} }).register({}, 0); return 1 }',
    ['runtime_error'],
  ),
  js('outlive', 'a WeakRef kept past the call', 'const keep = new WeakRef({}); function f() { return 1 }', ['runtime_error']),
  js(
    'outlive',
    'an async WebAssembly.compile whose continuation loops',
    'function f() { WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])).then(() => { for (;;) {} }); return 1 }',
    ['runtime_error'],
  ),
  js(
    'outlive',
    'Atomics.waitAsync with a timeout (aborted the process)',
    'function f() { Atomics.waitAsync(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10); return 1 }',
    ['runtime_error'],
  ),
  js('outlive', 'WebAssembly back through the Function constructor', 'function f() { return Function("return WebAssembly")().Memory ? 1 : 0 }', [
    'runtime_error',
  ]),
  js('outlive', 'Atomics.wait on a shared buffer', 'function f() { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); return 1 }', [
    'runtime_error',
  ]),
  js(
    'outlive',
    'an endless chain of microtasks after returning',
    'function f() { Promise.resolve().then(function loop() { return Promise.resolve().then(loop) }); return 2 }',
    ['timeout', 'wrong_answer'],
  ),
  js('outlive', 'an infinite loop in a promise callback', 'Promise.resolve().then(() => { for (;;) {} }); console.log("ok")', ['timeout'], 'stdio'),
  js('outlive', 'an async function that loops after its first await', 'async function f() { await null; for (;;) {} }', ['timeout']),
  js('outlive', 'a promise that never settles', 'function f() { return new Promise(() => {}) }', ['timeout']),
  js('outlive', 'a plain infinite loop', 'function f() { while (true) {} }', ['timeout']),
  js(
    'outlive',
    'a getter on the global that loops when the harness looks the function up',
    'Object.defineProperty(globalThis, "f", { get() { for (;;) {} } })',
    ['timeout', 'runtime_error'],
  ),
  // --- JavaScript: crashing the isolate or the process ---
  js('crash', 'unbounded recursion', 'function f() { return f() + 1 }', ['runtime_error']),
  js('crash', 'a catastrophic out-of-memory in one builtin call', 'function f() { return new Array(5e7).fill(0).length }', ['memory', 'timeout']),
  js('crash', 'doubling a string until it breaks', 'function f() { let s = "x"; for (;;) s += s; }', ['memory', 'timeout']),
  js('crash', 'catastrophic regular-expression backtracking', 'function f() { return /^(a+)+$/.test("a".repeat(40) + "b") ? 1 : 2 }', ['timeout']),
  js('crash', 'a throwing Error.prepareStackTrace', 'Error.prepareStackTrace = () => { throw new Error("again") }; function f() { return null.x }', [
    'runtime_error',
  ]),
  js('crash', 'a comparator that never returns', 'function f() { return [3, 1, 2].sort(() => { for (;;) {} }) }', ['timeout']),
  js(
    'crash',
    'a proxy as the global prototype whose traps loop',
    'Object.setPrototypeOf(globalThis, new Proxy({}, { has() { for (;;) {} } })); function f() { return undefinedName }',
    ['timeout', 'runtime_error'],
  ),
  js('crash', 'throwing a non-Error with a hostile toString', 'function f() { throw { toString() { for (;;) {} } } }', ['runtime_error', 'timeout']),
  // --- JavaScript: memory outside the limit ---
  js(
    'memory',
    'WebAssembly.Memory grown to 2 GiB (not counted by the isolate)',
    'function f() { const m = new WebAssembly.Memory({ initial: 1, maximum: 32768 }); m.grow(32767); return 1 }',
    ['runtime_error'],
  ),
  js(
    'memory',
    'a resizable ArrayBuffer grown past the limit',
    'function f() { const b = new ArrayBuffer(1, { maxByteLength: 2 ** 31 }); b.resize(2 ** 31); return 1 }',
    ['runtime_error'],
  ),
  js(
    'memory',
    "a resizable ArrayBuffer made through an existing buffer's constructor",
    'function f() { const C = new Uint8Array(1).buffer.constructor; const b = new C(8, { maxByteLength: 2 ** 31 }); b.resize(2 ** 31); return 1 }',
    ['runtime_error'],
  ),
  js(
    'memory',
    'a subclass of ArrayBuffer asking to be resizable',
    'class B extends ArrayBuffer {} function f() { const b = new B(8, { maxByteLength: 2 ** 31 }); b.resize(2 ** 31); return 1 }',
    ['runtime_error'],
  ),
  js(
    'memory',
    'Intl objects whose native memory the isolate does not count',
    'const keep = []; function f() { for (let i = 0; i < 1e6; i++) keep.push(new Intl.Segmenter("ja").segment("日本語" + i)); return 1 }',
    ['runtime_error'],
  ),
  js('memory', 'an ArrayBuffer of 4 GiB', 'function f() { return new Uint8Array(2 ** 32).length }', ['memory']),
  js('memory', 'array buffers kept until the limit', 'const keep = []; function f() { for (;;) keep.push(new Uint8Array(64 * 1024 * 1024)); }', [
    'memory',
    'timeout',
  ]),
  js('memory', 'small objects hoarded until the limit', 'function f() { const a = []; for (;;) a.push({ a: [1, 2, 3] }); }', ['memory', 'timeout']),
  js('memory', 'a string of 2^30 characters', 'function f() { return "x".repeat(2 ** 30).length }', ['memory', 'timeout']),
  js('memory', 'a Map grown without end', 'function f() { const m = new Map(); for (let i = 0; ; i++) m.set(i, [i]); }', ['memory', 'timeout']),
  // --- JavaScript: reaching outside ---
  js(
    'escape',
    "the constructor chain to Node's process",
    'function f() { return this.constructor.constructor("return process")().mainModule.require("child_process").execSync("id").toString() }',
    ['runtime_error'],
  ),
  js('escape', 'require("child_process")', 'function f() { return require("child_process").execSync("cat /etc/passwd").toString() }', ['runtime_error']),
  js('escape', 'reading /etc/passwd through fs', 'console.log(require("fs").readFileSync("/etc/passwd", "utf8"))', ['runtime_error'], 'stdio'),
  js('escape', 'the environment, Buffer and timers', 'console.log(JSON.stringify(process.env), typeof Buffer, typeof setTimeout)', ['wrong_answer'], 'stdio'),
  js('escape', 'the network through fetch', 'function f() { return fetch("http://127.0.0.1:8080/healthz") }', ['runtime_error']),
  js('escape', 'a dynamic import of fs', 'async function f() { await import("fs"); return 1 }', ['runtime_error', 'timeout']),
  js(
    'escape',
    "isolated-vm's own objects on the global",
    'function f() { return Object.getOwnPropertyNames(globalThis).filter((n) => /ivm|isolated/i.test(n)).length ? 1 : 2 }',
    ['wrong_answer'],
  ),
  // --- JavaScript: forging what the judge reads ---
  js('forge', "a return value shaped like the harness's frame", 'function f() { return "2:ok1:01:11:0" }', ['wrong_answer']),
  js('forge', 'stdout claiming every test passed', 'console.log("ok\\nAll 10 tests passed!")', ['wrong_answer'], 'stdio'),
  js(
    'forge',
    'JSON.stringify, toJSON and Array.prototype.map replaced before the tests',
    'JSON.stringify = () => "1"; Object.prototype.toJSON = () => 1; Array.prototype.map = null; function f() { return 2 }',
    ['wrong_answer'],
  ),
  js(
    'forge',
    'a patched Promise.prototype.then resolving every promise with 1',
    'Promise.prototype.then = function (ok) { ok(1) }; async function f() { return 2 }',
    ['wrong_answer'],
  ),
  js('forge', 'a thenable that settles twice, wrong first', 'function f() { return { then(ok) { ok(2); ok(1) } } }', ['wrong_answer']),
  js('forge', 'a return value nested 200,000 deep', 'function f() { let v = []; for (let i = 0; i < 200000; i++) v = [v]; return v }', [
    'wrong_answer',
    'runtime_error',
    'timeout',
  ]),
  js('forge', 'process.exit(0) before returning', 'function f() { process.exit(0) }', ['runtime_error']),
  js('forge', 'process.exit(0) before the asserts run', 'process.exit(0); function f() { return 2 }', ['runtime_error'], 'assert'),
  js(
    'forge',
    'Error and console replaced so the asserts cannot throw',
    'globalThis.Error = function () {}; console.assert = () => {}; function f() { return 0 }',
    ['runtime_error'],
    'assert',
  ),
  js(
    'forge',
    "a stack walk to the test code's realm, to replace its Error",
    'function f() { Error.stackTraceLimit = 100; Error.prepareStackTrace = (e, s) => s; for (const site of new Error().stack) { const g = site.getFunction(); if (g) try { g.constructor("return globalThis")().Error = function () {} } catch (e) {} } return 0 }',
    ['runtime_error'],
    'assert',
  ),
  js('forge', 'an object whose valueOf says 2', 'function f() { return { valueOf() { return 2 } } }', ['runtime_error'], 'assert'),
  js('forge', 'a loop hidden in the candidate the asserts call', 'function f() { for (;;) {} }', ['timeout'], 'assert'),
  js('forge', 'an output flood claiming success', 'for (;;) console.log("all tests passed")', ['output_limit'], 'stdio'),
  js('forge', 'a syntax error', 'function f( { return 1 }', ['compile_error']),
  // --- TypeScript ---
  ts(
    'outlive',
    'a typed FinalizationRegistry cleanup loop',
    'const r = new FinalizationRegistry<number>((n: number) => { for (;;) {} }); export function f(): number { r.register({}, 1); return 1 }',
    ['runtime_error'],
  ),
  ts('outlive', 'an infinite loop behind types', 'export function f(): never { for (;;) {} }', ['timeout']),
  ts('crash', 'typed unbounded recursion', 'export function f(n: number = 0): number { return f(n + 1) + 1 }', ['runtime_error']),
  ts(
    'memory',
    'a typed WebAssembly.Memory grow',
    'export function f(): number { const m: WebAssembly.Memory = new WebAssembly.Memory({ initial: 1, maximum: 32768 }); m.grow(32767); return 1 }',
    ['runtime_error'],
  ),
  ts(
    'memory',
    'a typed resizable ArrayBuffer',
    'export function f(): number { const b = new ArrayBuffer(1, { maxByteLength: 2 ** 31 } as any) as any; b.resize(2 ** 31); return 1 }',
    ['runtime_error'],
  ),
  ts(
    'memory',
    'typed buffers kept until the limit',
    'const keep: Uint8Array[] = []; export function f(): number { for (;;) keep.push(new Uint8Array(64 << 20)); }',
    ['memory', 'timeout'],
  ),
  ts('escape', 'an ES import of child_process', 'import { execSync } from "child_process"; export function f(): number { return execSync("id").length }', [
    'runtime_error',
  ]),
  ts(
    'escape',
    'an ES import of fs to read /etc/passwd',
    'import fs from "fs"; export function f(): number { return fs.readFileSync("/etc/passwd", "utf8").length }',
    ['runtime_error'],
  ),
  ts(
    'escape',
    'process.binding through a declared global',
    'declare const process: any; export function f(): number { return process.binding("fs") ? 1 : 0 }',
    ['runtime_error'],
  ),
  ts('forge', 'a frame-shaped return value', 'export function f(): string { return "2:ok1:01:11:0" }', ['wrong_answer']),
  ts('forge', 'a patched JSON.stringify', '(JSON as any).stringify = (): string => "1"; export function f(): number { return 2 }', ['wrong_answer']),
  ts(
    'forge',
    'a type error that is only a type error (types are stripped, the value is wrong)',
    'export function f(): string { const n: string = 2 as any; return n }',
    ['wrong_answer'],
  ),
  ts('forge', 'a syntax error', 'export function f(: number { return 1 }', ['compile_error']),
  // --- Python: code that would outlive its test ---
  py('outlive', 'a plain infinite loop', 'while True:\n    pass', ['timeout']),
  py('outlive', 'sleeping forever', 'import time\ntime.sleep(1000)', ['timeout']),
  py(
    'outlive',
    'a thread that keeps running after the program ends',
    'import threading\ndef spin():\n    while True:\n        pass\nthreading.Thread(target=spin).start()\nprint("ok")',
    ['timeout'],
  ),
  py(
    'outlive',
    'a daemon thread writing to /tmp after the program ends',
    'import threading, time\ndef later():\n    time.sleep(0.2)\n    open("/tmp/later", "w").write("x")\nthreading.Thread(target=later, daemon=True).start()\nprint("no")',
    ['wrong_answer'],
  ),
  py(
    'outlive',
    'a process that leaves its group (fork, setsid, fork) and lives on',
    'import os, time\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n        time.sleep(60)\n    os._exit(0)\nprint("no")',
    ['wrong_answer'],
  ),
  // A loop that allocates nothing: one that grows a list can hit the memory limit first, and Python ignores
  // a MemoryError in an atexit handler (exit 0, as `python3 program.py`), which is no attack.
  py('outlive', 'an atexit handler that loops', 'import atexit\ndef spin():\n    while True:\n        pass\natexit.register(spin)\nprint("ok")', ['timeout']),
  py(
    'outlive',
    'SIGTERM and SIGXCPU ignored, then a loop',
    'import signal\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\nsignal.signal(signal.SIGXCPU, signal.SIG_IGN)\nwhile True:\n    pass',
    ['timeout'],
  ),
  py('outlive', 'a function that never returns', 'def f():\n    while True:\n        pass', ['timeout'], 'call'),
  // --- Python: crashing ---
  py('crash', 'os.abort()', 'import os\nos.abort()', ['runtime_error']),
  py('crash', 'a null pointer dereference through ctypes', 'import ctypes\nctypes.string_at(0)', ['runtime_error']),
  py('crash', 'SIGKILL to itself', 'import os, signal\nos.kill(os.getpid(), signal.SIGKILL)', ['timeout', 'runtime_error']),
  py('crash', 'deep recursion with the limit lifted', 'import sys\nsys.setrecursionlimit(10 ** 8)\ndef f(n):\n    return f(n + 1) + 1\nf(0)', [
    'runtime_error',
    'memory',
    'timeout',
  ]),
  py('crash', 'a fork bomb', 'import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass', ['timeout', 'runtime_error']),
  py('crash', 'stdout closed under print', 'import os\nos.close(1)\nprint("ok")', ['runtime_error', 'wrong_answer']),
  py('crash', 'sys.exit with a message', 'import sys\nsys.exit("bye")', ['runtime_error']),
  py('crash', 'NaN as a return value', 'def f():\n    return float("nan")', ['runtime_error'], 'call'),
  // --- Python: memory ---
  py('memory', 'a 10 GB bytearray', 'x = bytearray(10 ** 10)', ['memory']),
  py('memory', 'a list growing by 100 MB at a time', 'a = []\nwhile True:\n    a.append(bytearray(10 ** 8))', ['memory', 'timeout']),
  py('memory', 'an anonymous 4 GiB mmap touched page by page', 'import mmap\nm = mmap.mmap(-1, 1 << 32)\nfor i in range(0, 1 << 32, 4096):\n    m[i] = 1', [
    'memory',
    'runtime_error',
    'timeout',
  ]),
  py('memory', '64 MB written to /dev/shm', 'open("/dev/shm/big", "wb").write(b"0" * (64 * 1024 * 1024))\nprint("ok")', ['runtime_error', 'memory', 'timeout']),
  py('memory', '64 MB written to /tmp', 'open("/tmp/big", "wb").write(b"0" * (64 * 1024 * 1024))\nprint("ok")', ['runtime_error', 'memory', 'timeout']),
  py(
    'memory',
    'threads each holding 50 MB',
    'import threading, time\nkeep = []\ndef hold():\n    keep.append(bytearray(50 * 1024 * 1024))\n    time.sleep(5)\nfor _ in range(64):\n    threading.Thread(target=hold).start()',
    ['memory', 'runtime_error', 'timeout'],
  ),
  py('memory', 'an output flood', 'while True:\n    print("all tests passed" * 100)', ['output_limit']),
  // --- Python: reaching the next job (the pairs below check it is not there) ---
  py('isolation', 'a file in the root for the next job', 'open("/answer", "w").write("42")\nprint("ok")', ['runtime_error']),
  py('isolation', 'a file in /dev for the next job', 'open("/dev/answer", "w").write("42")\nprint("ok")', ['runtime_error']),
  py(
    'isolation',
    'a key in the user keyring for the next job',
    `${pyLibc}\nassert libc.syscall(248, b"user", b"k", b"42", 2, ctypes.c_int(-4)) >= 0, "add_key refused"\nprint("ok")`,
    ['runtime_error'],
  ),
  py('isolation', 'a user namespace of its own', `${pyLibc}\nassert libc.unshare(0x10000000) == 0, "unshare refused"\nprint("ok")`, ['runtime_error']),
  py('isolation', 'a tmpfs mounted over /tmp', `${pyLibc}\nassert libc.mount(b"tmpfs", b"/tmp", b"tmpfs", 0, None) == 0, "mount refused"\nprint("ok")`, [
    'runtime_error',
  ]),
  py('isolation', 'ptrace of the job process', `${pyLibc}\nassert libc.ptrace(16, 1, None, None) == 0, "ptrace refused"\nprint("ok")`, ['runtime_error']),
  py('isolation', "the job process's memory through /proc/1/mem", 'open("/proc/1/mem", "rb").read(1)\nprint("ok")', ['runtime_error']),
  py(
    'isolation',
    'signals to the job host and the job process',
    'import os, signal\nfor sig in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):\n    for pid in (1, os.getppid()):\n        os.kill(pid, sig)\nraise SystemExit(3)',
    ['runtime_error'],
  ),
  // --- Python: reaching the host ---
  py('escape', 'reading /etc/passwd', 'print(open("/etc/passwd").read())', ['runtime_error']),
  py('escape', 'the environment', 'import os\nprint(dict(os.environ))', ['wrong_answer']),
  py('escape', 'the network', 'import socket\nsocket.create_connection(("127.0.0.1", 8080), timeout=1)\nprint("ok")', ['runtime_error']),
  py('escape', 'writing into /usr', 'open("/usr/pwned", "w").write("x")\nprint("ok")', ['runtime_error']),
  py('escape', 'running a shell', 'import subprocess\nprint(subprocess.run(["sh", "-c", "cat /etc/hostname"], capture_output=True).stdout)', [
    'runtime_error',
    'wrong_answer',
  ]),
  // --- Python: forging what the judge reads ---
  py(
    'forge',
    'a forged verdict frame on descriptor 3, then exit 0',
    'import os\nos.write(3, b\'{"s": "ok", "v": "1"}\\n\')\nos._exit(0)',
    ['wrong_answer'],
    'call',
  ),
  py(
    'forge',
    'a 200,000-deep JSON array as its return value (forced null)',
    'import os\nos.write(3, b"[" * 200000 + b"]" * 200000)\nos._exit(0)',
    ['wrong_answer'],
    'call',
  ),
  py('forge', 'bytes that are not JSON as its return value', 'import os\nos.write(3, b"\\xff\\xfe{")\nos._exit(0)', ['wrong_answer'], 'call'),
  py(
    'forge',
    'a patched json.dumps saying 1 while returning 2',
    'import json\njson.dumps = lambda *a, **k: "1"\ndef f():\n    return 2',
    ['wrong_answer'],
    'call',
  ),
  py('forge', 'builtins tampering', 'import builtins\nbuiltins.print = lambda *a, **k: None\ndef f():\n    return 2', ['wrong_answer'], 'call'),
  py('forge', 'stdout claiming every test passed', 'print("ok")\nprint("All tests passed")', ['wrong_answer']),
  py('forge', 'sys.stdout swapped for a sink', 'import sys, os\nsys.stdout = open(os.devnull, "w")\nprint("ok")', ['wrong_answer']),
  py('forge', 'a syntax error', 'def f(:\n    return 1', ['compile_error'], 'call'),
  py(
    'forge',
    'a forged frame and an exit before the asserts',
    'import os\nos.write(3, b\'{"s": "ok"}\\n\')\nos._exit(0)\ndef f():\n    return 2',
    ['runtime_error'],
    'assert',
  ),
  py(
    'forge',
    'an object equal to everything',
    'class Any:\n    def __eq__(self, other):\n        return True\ndef f():\n    return Any()',
    ['runtime_error'],
    'assert',
  ),
  py(
    'forge',
    'an int subclass equal to everything',
    'class T(int):\n    def __eq__(self, other):\n        return True\ndef f():\n    return T(5)',
    ['runtime_error'],
    'assert',
  ),
  py(
    'forge',
    'AssertionError and assert disarmed through builtins and sys.settrace',
    'import builtins, sys\nbuiltins.AssertionError = type("Quiet", (Exception,), {})\nsys.settrace(lambda *a: None)\ndef f():\n    return 0',
    ['runtime_error'],
    'assert',
  ),
  py('forge', 'a program that exits 0 before the asserts', 'import sys\nsys.exit(0)\ndef f():\n    return 2', ['runtime_error'], 'assert'),
  py(
    'forge',
    'killing the processes around it during the asserts',
    'import os, signal\ndef f():\n    for pid in range(1, 64):\n        if pid != os.getpid():\n            try:\n                os.kill(pid, signal.SIGKILL)\n            except OSError:\n                pass\n    return 2',
    ['runtime_error', 'timeout'],
    'assert',
  ),
  py(
    'forge',
    'garbage written on the call channel before answering',
    'import os\ndef f():\n    os.write(3, b"\\xff" * 100)\n    return 2',
    ['runtime_error'],
    'assert',
  ),
  py('forge', 'a candidate that never answers the asserts', 'def f():\n    while True:\n        pass', ['timeout'], 'assert'),
  py('forge', 'a candidate that ends its process mid-call', 'import os\ndef f():\n    os._exit(0)', ['runtime_error'], 'assert'),
  // --- correct controls: each must score 1 ---
  py('forge', 'os._exit(0) after flushing correct output', 'import os, sys\nprint("ok")\nsys.stdout.flush()\nos._exit(0)', 'pass'),
  py('forge', 'sys.exit(0) after correct output', 'import sys\nprint("ok")\nsys.exit(0)', 'pass'),
  py(
    'types',
    'HumanEval/92 canonical: 3.0 must reach Python as a float',
    'def any_int(x, y, z):\n    if isinstance(x, int) and isinstance(y, int) and isinstance(z, int):\n        return x + y == z or x + z == y or y + z == x\n    return False',
    'pass',
    'call',
    exact(
      '{"language": "python", "fn_name": "any_int", "tests": [{"args": [2, 3, 1], "expected": true}, {"args": [2.5, 2, 3], "expected": false}, {"args": [3.0, 4, 7], "expected": false}, {"args": [3, 4, 7], "expected": true}]}',
    ),
  ),
  py(
    'types',
    'HumanEval/92 canonical, assert-style',
    'def any_int(x, y, z):\n    if isinstance(x, int) and isinstance(y, int) and isinstance(z, int):\n        return x + y == z or x + z == y or y + z == x\n    return False',
    'pass',
    'assert',
    {
      language: 'python',
      assert_code:
        'def check(candidate):\n    assert candidate(2, 3, 1) is True\n    assert candidate(3.0, 4, 7) is False\n    assert candidate(2.2, 2.2, 2.2) is False\ncheck(any_int)',
    },
  ),
  py(
    'types',
    'a big integer squared, compared digit for digit',
    'def f(x):\n    return x * x',
    'pass',
    'call',
    exact('{"language": "python", "fn_name": "f", "tests": [{"args": [12345678901234567890], "expected": 152415787532388367501905199875019052100}]}'),
  ),
  py(
    'types',
    'a big integer off by one in its last digit',
    'def f(x):\n    return x * x + 1',
    ['wrong_answer'],
    'call',
    exact('{"language": "python", "fn_name": "f", "tests": [{"args": [12345678901234567890], "expected": 152415787532388367501905199875019052100}]}'),
  ),
  py('types', 'a float returned where an int of the same value is expected', 'def f():\n    return 1.0', 'pass', 'call'),
  py('types', 'tuples and sets crossing to the asserts', 'def f(xs):\n    return tuple(sorted(xs)), set(xs)', 'pass', 'assert', {
    language: 'python',
    assert_code: 'assert f([3, 1, 2]) == ((1, 2, 3), {1, 2, 3})',
  }),
  js('types', 'a HumanEval-X style assert with console.assert made to throw', 'const add = (a, b) => a + b', 'pass', 'assert', {
    language: 'javascript',
    assert_code:
      'globalThis.console = Object.assign(Object.create(globalThis.console), { assert: (ok) => { if (!ok) throw new Error("Assertion failed") } });\nconsole.assert(add(2, 3) === 5)\nconsole.assert(JSON.stringify([add(1, 1)]) === "[2]")',
  }),
  js('types', 'an async function awaited by the harness', 'async function f() { await null; return 1 }', 'pass'),
  ts('types', 'a typed function with an ES export', 'export function f(): number { return 1 }', 'pass'),
];

const defaultReference = (r: Row): Record<string, unknown> => {
  if (r.reference) return r.reference;
  if (r.kind === 'call') return { language: r.language, fn_name: 'f', tests: [{ args: [], expected: 1 }] };
  if (r.kind === 'assert') return { language: r.language, assert_code: r.language === 'python' ? 'assert f() == 2' : 'if (f() !== 2) throw new Error("f")' };
  return { language: r.language, tests: [{ stdin: '', stdout: 'ok' }] };
};

const fence = (language: Lang, code: string) => '```' + language + '\n' + code + '\n```';

const good: Record<Lang, { code: string; reference: unknown }> = {
  javascript: {
    code: fence('javascript', 'function f() { return 1 }'),
    reference: { language: 'javascript', fn_name: 'f', tests: [{ args: [], expected: 1 }] },
  },
  typescript: {
    code: fence('typescript', 'export function f(): number { return 1 }'),
    reference: { language: 'typescript', fn_name: 'f', tests: [{ args: [], expected: 1 }] },
  },
  python: { code: fence('python', 'print("ok")'), reference: { language: 'python', tests: [{ stdin: '', stdout: 'ok' }] } },
};
const controls = (id: string) =>
  (Object.keys(good) as Lang[]).map((language) => ({ id: `${id} ${language}`, reference: good[language].reference, completions: [good[language].code] }));

const params = { timeout_ms: 1000 };
const cellOf = (group: any) => group.completions[0].rewards['code-tests'];

describe('hostile programs', () => {
  it(`cover every class in each language, ${rows.length} programs in all`, () => {
    expect(rows.length).toBeGreaterThanOrEqual(100);
    for (const language of ['javascript', 'typescript', 'python'] as const) {
      const classes = new Set(rows.filter((r) => r.language === language).map((r) => r.class));
      expect([language, [...classes].sort()]).toEqual([language, expect.arrayContaining(['crash', 'escape', 'forge', 'memory', 'outlive', 'types'])]);
    }
    expect(rows.some((r) => r.class === 'isolation')).toBe(true);
  });

  it('each ends as its row expects, never null, and the slot scores the next program normally, in this request and the next', async () => {
    // Every program is followed by a correct one in the same slot, which must score 1.
    const groups = rows.flatMap((r, i) => [
      { id: `${i} ${r.language}: ${r.tries}`, reference: defaultReference(r), completions: [fence(r.language, r.code)] },
      { id: `after ${i}`, reference: good[r.language].reference, completions: [good[r.language].code] },
    ]);
    const payload = stringifyExact({ rewards: [{ id: 'code-tests', params }], groups });
    const batch = app
      .inject({ method: 'POST', url: '/v1/score', payload, headers: { 'content-type': 'application/json' } })
      .then((r) => ({ status: r.statusCode, body: r.json() }));
    // /healthz answers while the sandbox is busy with the attacks.
    await new Promise((r) => setTimeout(r, 500));
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);

    const { status, body } = await batch;
    expect(status).toBe(200);
    const outcomes = rows.map((r, i) => {
      const cell = cellOf(body.groups[2 * i]);
      const test = cell.details?.tests?.[0];
      const outcome =
        r.expect === 'pass'
          ? cell.score === 1
            ? 'pass'
            : `${cell.score} ${cell.reason ?? ''} ${JSON.stringify(test)}`
          : cell.score === 0 && r.expect.includes(test?.status)
            ? 'as expected'
            : `${cell.score} ${cell.reason ?? ''} ${JSON.stringify(test)}`;
      return { program: body.groups[2 * i].id, outcome, next: cellOf(body.groups[2 * i + 1]).score };
    });
    expect(outcomes).toEqual(
      rows.map((r, i) => ({ program: `${i} ${r.language}: ${r.tries}`, outcome: r.expect === 'pass' ? 'pass' : 'as expected', next: 1 })),
    );

    // The next request, in the same slot, scores correct programs normally.
    const next = await score(app, { rewards: [{ id: 'code-tests', params }], groups: controls('next request') });
    expect(next.body.groups.map((g: any) => [g.id, cellOf(g).score])).toEqual(controls('next request').map((g) => [g.id, 1]));
  }, 600_000);

  it('a request with a deadline loses only the cell that outlives it, and the next request is whole', async () => {
    const attack = fence('javascript', 'function f() { try { new FinalizationRegistry(() => { for (;;) {} }).register({}, 0) } catch (e) {} for (;;) {} }');
    const groups = [{ id: 'attack', reference: good.javascript.reference, completions: [attack] }, ...controls('same request')];
    const { body } = await score(app, { rewards: [{ id: 'code-tests', params }], groups, deadline_ms: 20_000 });
    expect(body.groups.map((g: any) => [g.id, cellOf(g).score])).toEqual([['attack', 0], ...controls('same request').map((g) => [g.id, 1])]);
    const next = await score(app, { rewards: [{ id: 'code-tests', params }], groups: controls('next request') });
    expect(next.body.groups.map((g: any) => [g.id, cellOf(g).score])).toEqual(controls('next request').map((g) => [g.id, 1]));
  }, 120_000);

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
    [
      'a process',
      'import os\nif os.fork() == 0:\n    os.setsid()\n    import time\n    time.sleep(60)',
      'import os\nprint("found" if len([p for p in os.listdir("/proc") if p.isdigit()]) > 2 else "gone")',
    ],
    [
      'a listening abstract socket',
      'import socket, os\ns = socket.socket(socket.AF_UNIX)\ns.bind("\\0verdict-leftover")\ns.listen()\nif os.fork() == 0:\n    os.setsid()\n    import time\n    time.sleep(60)',
      'import socket\ns = socket.socket(socket.AF_UNIX)\ntry:\n    s.connect("\\0verdict-leftover")\n    print("found")\nexcept OSError:\n    print("gone")',
    ],
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
    const reference = {
      language: 'python',
      tests: [
        { stdin: '', stdout: 'gone' },
        { stdin: '', stdout: 'gone' },
      ],
    };
    const { body } = await score(app, { rewards: [{ id: 'code-tests', params }], groups: [{ reference, completions: ['```python\n' + program + '\n```'] }] });
    const cell = cellOf(body.groups[0]);
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
    const [first, second] = body.groups.map(cellOf);
    expect(first.score, JSON.stringify(first.details)).toBe(1); // it did leave something
    expect(second.score, JSON.stringify(second.details)).toBe(1);
  });
});
