/**
 * Runs JavaScript (and TypeScript, once stripped) in isolated-vm: two pooled
 * isolates per sandbox process used in turn, a fresh context per program
 * (assert-style tests: one for the program, one for the test code).
 * The harness removes from each context whatever could run code after a call
 * returns (guest-harness.js), and a watchdog discards an isolate that does not
 * answer a call within its limit and a margin, so a stuck isolate costs only
 * the test that found it.
 * While a program runs on one isolate (on its own thread), the host thread
 * builds the next program's context on the other: context creation is the
 * largest fixed cost of a run and this takes it off the critical path. Only
 * one program runs at a time. An isolate is replaced when its heap passes
 * half its limit or after `isolateRecycleRuns` programs (a fresh isolate runs
 * slowly until V8 has warmed up, so replacing often costs throughput). Every
 * call that can reach program code is asynchronous and has a timeout: an
 * asynchronous call is what lets a catastrophic out-of-memory reach
 * `onCatastrophe` instead of hanging the process; so does a process whose
 * memory does not come back after a run (the process is then replaced).
 * Call-style tests run in one call (the fast path); after a timeout, the
 * remaining tests run one call each so each gets its own limit.
 */
import { createRequire } from 'node:module';
import type ivm from 'isolated-vm';
import type { SandboxRunRequest, SandboxRunResult, SandboxStatus, SandboxTestRun } from '../../rewards/types.ts';
import { decodeFields, harnessSource } from './js-harness.ts';
import { limits } from './limits.ts';
import type { SandboxOptions } from './options.ts';
import { toScript } from './to-script.ts';

// Required, not imported: the build bundles this module into every process's file (scripts/build.js),
// where an import of a package would load it at start-up, and isolated-vm must load only in sandbox
// processes (started with --no-node-snapshot), when the sandbox is created.
const { Isolate } = createRequire(import.meta.url)('isolated-vm') as typeof ivm;

export interface JsRunner {
  run(request: SandboxRunRequest): Promise<SandboxRunResult>;
}

/** Thrown when the isolate is lost for good; every test not yet run gets `status`. */
class IsolateLost extends Error {
  constructor(
    message: string,
    readonly status: SandboxStatus,
  ) {
    super(message);
  }
}

interface Isolate {
  isolate: ivm.Isolate;
  harness: ivm.Script;
  runs: number;
  lost: Promise<never>;
  /** A context with the harness in it, built while the other isolate ran a program. */
  ready?: Env;
}

interface Env {
  context: ivm.Context;
  dispatch: ivm.Reference<(...args: unknown[]) => string>;
}

const STDERR_KEEP = limits.stderrKeepBytes;
const SMALL_CALL_MS = 1_000; // limit for harness-only calls that touch no program code
const WATCHDOG_SLACK_MS = 1_000; // beyond a call's own limit, before its isolate is presumed stuck
const ISOLATES = 2;
const NODE_BASELINE_MB = 512; // the sandbox process without its isolates, with room to spare
const HEAP_CHECK_EVERY = 64; // runs between heap checks (each check is a synchronous isolate call)
const MEMORY_MESSAGE = /memory limit|Array buffer allocation failed|Invalid (string|array|typed array) length|Reached heap limit/;

export function createJsRunner(options: SandboxOptions, onCatastrophe: (message: string) => void): JsRunner {
  // Each isolate may hold its heap and as much again in array buffers; the rest is Node's own.
  const rssCeiling = (2 * ISOLATES * options.memoryMb + NODE_BASELINE_MB) * 1024 * 1024;
  const isolates: Array<Isolate | undefined> = new Array(ISOLATES).fill(undefined);
  let turn = 0;

  function freshIsolate(): Isolate {
    let lose!: (error: Error) => void;
    const lost = new Promise<never>((_, reject) => (lose = reject));
    lost.catch(() => {});
    const isolate = new Isolate({
      memoryLimit: options.memoryMb,
      onCatastrophicError: (message) => {
        lose(new IsolateLost(message, 'memory'));
        onCatastrophe(message);
      },
    });
    return { isolate, harness: isolate.compileScriptSync(harnessSource({ outputBytes: options.outputBytes })), runs: 0, lost };
  }

  function worn(iso: Isolate): boolean {
    if (iso.isolate.isDisposed || iso.runs >= options.isolateRecycleRuns) return true;
    if (iso.runs % HEAP_CHECK_EVERY !== 0) return false;
    const heap = iso.isolate.getHeapStatisticsSync();
    return heap.used_heap_size + heap.externally_allocated_size > (options.memoryMb * 1024 * 1024) / 2;
  }

  /** Drops an isolate for good, stopping whatever runs in it. */
  function discard(iso: Isolate): void {
    const slot = isolates.indexOf(iso);
    if (slot >= 0) isolates[slot] = undefined;
    if (!iso.isolate.isDisposed) iso.isolate.dispose();
  }

  /** The isolate at `slot`, replaced first when worn out. */
  function isolateAt(slot: number): Isolate {
    let iso = isolates[slot];
    if (!iso || worn(iso)) {
      if (iso) discard(iso);
      iso = isolates[slot] = freshIsolate();
    }
    return iso;
  }

  function nextIsolate(): Isolate {
    const iso = isolateAt(turn);
    turn = (turn + 1) % ISOLATES;
    iso.runs++;
    return iso;
  }

  /**
   * Waits for a call into program code, racing it against the loss of the isolate and a watchdog: a call
   * whose own limit (`limitMs`) did not stop it, because it never started or something else holds the
   * isolate, discards the isolate. While the call runs on the isolate's thread, this thread builds the
   * next program's context on the other isolate.
   */
  function guarded<T>(iso: Isolate, call: Promise<T>, limitMs: number): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const watchdog = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new IsolateLost(`the isolate did not answer within ${limitMs + WATCHDOG_SLACK_MS} ms`, 'timeout'));
        discard(iso);
      }, limitMs + WATCHDOG_SLACK_MS);
    });
    const result = Promise.race([call, iso.lost, watchdog]).finally(() => clearTimeout(timer));
    prepareNext();
    return result;
  }

  /** A fresh context with the harness run in it: the one built ahead when there is one. */
  function takeEnv(iso: Isolate): Env {
    const ready = iso.ready;
    iso.ready = undefined;
    return ready ?? newEnv(iso);
  }

  function newEnv(iso: Isolate): Env {
    const context = iso.isolate.createContextSync();
    const dispatch = iso.harness.runSync(context, { reference: true, timeout: SMALL_CALL_MS }) as ivm.Reference<(...args: unknown[]) => string>;
    return { context, dispatch };
  }

  /**
   * The other isolate's next context, built by this thread while it would only wait for the running
   * program (once per program: later calls find it built); more programs per second than building it
   * asynchronously on the isolate's own thread (docs/performance-notes.md).
   */
  function prepareNext(): void {
    try {
      const iso = isolateAt(turn);
      iso.ready ??= newEnv(iso);
    } catch {
      // the next run builds its own and reports what fails
    }
  }

  function releaseEnv(env: Env): void {
    env.dispatch.release();
    env.context.release();
  }

  async function run(request: SandboxRunRequest): Promise<SandboxRunResult> {
    const count = request.mode === 'script' ? 1 : request.inputs.length;
    const script = toScript(request.source, request.language);
    const iso = nextIsolate();
    let tests: ivm.Script | undefined;
    if (request.mode === 'script') {
      try {
        tests = iso.isolate.compileScriptSync(request.assertCode ?? '', { filename: 'tests.js' });
      } catch (error) {
        return { tests: [], testsError: message(error) };
      }
    }
    if ('error' in script) {
      tests?.release();
      return { tests: Array.from({ length: count }, () => failed('compile_error', script.error)) };
    }
    // Compiled first for every mode: a syntax error is a compile error, not a runtime one.
    let program: ivm.Script;
    try {
      program = iso.isolate.compileScriptSync(script.code, { filename: 'program.js' });
    } catch (error) {
      tests?.release();
      return { tests: Array.from({ length: count }, () => failed('compile_error', message(error))) };
    }
    const runs: SandboxTestRun[] = [];
    try {
      if (request.mode === 'call') await runCalls(iso, script.code, request, runs);
      else if (request.mode === 'stdio') {
        for (const stdin of request.inputs) runs.push(await runProgram(iso, program, request, stdin));
      } else runs.push(await runAsserts(iso, program, tests!, request));
    } catch (error) {
      if (!(error instanceof IsolateLost)) throw error;
      // The isolate is gone; the test running when it went is the one that exhausted memory or time.
      while (runs.length < count) runs.push(failed(error.status, error.message));
      discard(iso);
    } finally {
      program.release();
      tests?.release();
    }
    // Memory a program made the process take and not give back (outside any isolate's heap) is returned
    // by replacing the process.
    if (process.memoryUsage.rss() > rssCeiling) onCatastrophe('the sandbox process holds more memory than its isolates may');
    return { tests: runs };
  }

  function timeLeft(request: SandboxRunRequest): number {
    const left = request.deadline === undefined ? request.timeoutMs : Math.min(request.timeoutMs, request.deadline - Date.now());
    return Math.floor(left);
  }

  /**
   * What every run of a program in fresh contexts shares: the time left, `contexts` fresh contexts,
   * `body`'s calls into program code (given the limit and what is left of it; an error from program code
   * is the run's status), then the contexts' reports: the first context's output, every context's stderr.
   * `exitEnds`: a process.exit(0) ends the run normally (a stdio program's, never a test's).
   */
  async function runFresh(
    iso: Isolate,
    request: SandboxRunRequest,
    contexts: number,
    exitEnds: boolean,
    body: (envs: Env[], timeout: number, remaining: () => number) => Promise<void>,
  ): Promise<SandboxTestRun> {
    const timeout = timeLeft(request);
    if (timeout <= 0) return failed('timeout', 'not run: cell deadline');
    const envs = [takeEnv(iso), ...Array.from({ length: contexts - 1 }, () => newEnv(iso))];
    const started = performance.now();
    const remaining = () => Math.max(1, Math.floor(timeout - (performance.now() - started)));
    let status: SandboxStatus = 'ok';
    let error = '';
    try {
      await body(envs, timeout, remaining);
    } catch (e) {
      if (e instanceof IsolateLost) throw e;
      error = message(e);
      status = classify(error);
    }
    const ms = performance.now() - started;
    if (iso.isolate.isDisposed) return { ...failed('memory', error), ms: round(ms) };
    const reports = envs.map((env) => decodeFields(env.dispatch.applySync(undefined, ['report'], { timeout: SMALL_CALL_MS })));
    envs.forEach(releaseEnv);
    const [exit, overflow, stdout] = reports[0];
    if (exitEnds && status === 'runtime_error' && exit === '0') status = 'ok';
    if (overflow === '1') status = 'output_limit';
    const stderr = reports.map((report) => report[3]).join('');
    return { status, ms: round(ms), stdout, stderr: withError(stderr, status === 'ok' ? '' : error) };
  }

  /** Runs a stdin/stdout program once in a fresh context. */
  function runProgram(iso: Isolate, program: ivm.Script, request: SandboxRunRequest, stdin: string): Promise<SandboxTestRun> {
    return runFresh(iso, request, 1, true, async ([env], timeout, remaining) => {
      env.dispatch.applySync(undefined, ['input', stdin], { timeout: SMALL_CALL_MS });
      await guarded(iso, program.run(env.context, { timeout }), timeout);
      await guarded(iso, env.dispatch.apply(undefined, ['drain'], { timeout: remaining() }), remaining());
    });
  }

  /**
   * Assert-style tests: the program runs in one fresh context, the test code in another, whose harness
   * binds the program's names the test code uses to stand-ins that call the program with encoded plain
   * values. The verdict is whether the test code ran to its end.
   */
  function runAsserts(iso: Isolate, program: ivm.Script, tests: ivm.Script, request: SandboxRunRequest): Promise<SandboxTestRun> {
    return runFresh(iso, request, 2, false, async ([env, testEnv], timeout, remaining) => {
      await guarded(iso, program.run(env.context, { timeout }), timeout);
      const wanted = testEnv.dispatch.applySync(undefined, ['identifiers', request.assertCode], { timeout: SMALL_CALL_MS });
      const names = await guarded(iso, env.dispatch.apply(undefined, ['names', wanted], { timeout: remaining() }), remaining());
      testEnv.dispatch.applySync(undefined, ['bind', env.dispatch.derefInto(), names], { timeout: SMALL_CALL_MS });
      await guarded(iso, tests.run(testEnv.context, { timeout: remaining() }), remaining());
    });
  }

  /** Call-style tests: the harness evaluates the program and runs every test in one call. */
  async function runCalls(iso: Isolate, code: string, request: SandboxRunRequest, tests: SandboxTestRun[]): Promise<void> {
    const count = request.inputs.length;
    const env = takeEnv(iso);
    const argsJson = `[${request.inputs.join(',')}]`;
    let from = 0;
    let batch = true; // the fast path: every test in one call, under one test's limit
    while (from < count) {
      const limit = timeLeft(request);
      if (limit <= 0) {
        tests.push(failed('timeout', 'not run: cell deadline'));
        from++;
        continue;
      }
      const to = batch ? count : from + 1;
      let status: SandboxStatus | undefined;
      let error = '';
      let loadFailure = '';
      let collected: string | undefined; // runAll's results, when no test left a promise to settle
      try {
        const out = await guarded(iso, env.dispatch.apply(undefined, ['runAll', request.fnName, argsJson, from, to, code], { timeout: limit }), limit);
        if (out.startsWith('C')) collected = out.slice(1);
        else loadFailure = out;
      } catch (e) {
        if (e instanceof IsolateLost) throw e;
        error = message(e);
        status = iso.isolate.isDisposed ? 'memory' : classify(error);
      }
      if (iso.isolate.isDisposed) {
        while (tests.length < count) tests.push(failed('memory', error));
        return;
      }
      if (loadFailure) {
        const [loadStatus, loadError] = decodeFields(loadFailure);
        const kind = loadStatus === 'runtime_error' && MEMORY_MESSAGE.test(loadError) ? 'memory' : (loadStatus as SandboxStatus);
        while (tests.length < count) tests.push(failed(kind, `program failed before the tests ran: ${loadError}`));
        break;
      }
      const [done, ...fields] = decodeFields(collected ?? env.dispatch.applySync(undefined, ['collect', from, to], { timeout: SMALL_CALL_MS }));
      for (let i = 0; i + 5 <= fields.length; i += 5) tests.push(callResult(fields.slice(i, i + 5)));
      if (status === undefined) {
        from = to;
        continue;
      }
      if (Number(done) < 0) {
        // Stopped while the program's own top level ran: no test can run.
        while (tests.length < count) tests.push(failed(status, `program failed before the tests ran: ${error}`));
        break;
      }
      // Stopped mid-batch: tests before `done` finished; the one at `done` gets a verdict only when run alone.
      from = Math.max(Number(done), from);
      tests.length = from;
      if (!batch) {
        tests.push(failed(status, error));
        from++;
      }
      batch = false;
    }
    releaseEnv(env);
  }

  return { run };
}

function callResult([status, ms, value, stdout, stderr]: string[]): SandboxTestRun {
  const run: SandboxTestRun = { status: status as SandboxStatus, ms: Number(ms), stdout, stderr: stderr.slice(0, STDERR_KEEP) };
  if (run.status === 'runtime_error' && MEMORY_MESSAGE.test(stderr)) run.status = 'memory';
  if (status === 'ok') run.value = value;
  return run;
}

function failed(status: SandboxStatus, error: string): SandboxTestRun {
  return { status, ms: 0, stdout: '', stderr: error.slice(0, STDERR_KEEP) };
}

function classify(error: string): SandboxStatus {
  if (/timed out/.test(error)) return 'timeout';
  if (MEMORY_MESSAGE.test(error)) return 'memory';
  return 'runtime_error';
}

function withError(stderr: string, error: string): string {
  return (stderr + (error ? `${stderr ? '\n' : ''}${error}` : '')).slice(0, STDERR_KEEP);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const round = (ms: number) => Math.round(ms * 100) / 100;
