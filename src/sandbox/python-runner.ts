/**
 * Runs Python jobs through one fork server per sandbox slot (see
 * python/fork-server.py), spawned under bubblewrap and respawned when it
 * dies. A job whose server dies is retried once on a fresh server; a second
 * failure rejects, which the rule scores as `null`, never 0.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { SandboxRunRequest, SandboxRunResult, SandboxTestRun } from '../../rewards/types.ts';
import { bwrapArgs, processLimit, sandboxUid } from './bwrap-command.ts';
import type { SandboxOptions } from './options.ts';

const WATCHDOG_SLACK_MS = 5_000; // beyond the job's own budget, before the server is presumed stuck
const STDERR_TAIL = 2_000; // bytes of the server's own stderr kept for error messages

export interface PythonRunner {
  run(request: SandboxRunRequest): Promise<SandboxRunResult>;
  close(): void;
}

interface Waiter {
  id: number;
  resolve: (result: SandboxRunResult) => void;
  reject: (error: Error) => void;
}

interface Server {
  child: ChildProcessWithoutNullStreams;
  /** RLIMIT_NPROC for this server's tests, fixed when it starts. */
  maxProcesses: number;
  pending: string;
  stderr: string;
  waiter?: Waiter;
}

export function createPythonRunner(options: SandboxOptions): PythonRunner {
  let server: Server | undefined;
  let nextId = 1;
  let chain: Promise<unknown> = Promise.resolve();

  function start(): Server {
    const uid = sandboxUid();
    const child = spawn(options.bwrapPath, bwrapArgs(options), {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: {},
      ...(uid === undefined ? {} : { uid, gid: uid }),
    });
    const s: Server = { child, pending: '', stderr: '', maxProcesses: processLimit(options.maxProcesses) };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => onData(s, chunk));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      s.stderr = (s.stderr + chunk).slice(-STDERR_TAIL);
    });
    child.stdin.on('error', () => {}); // a dead server surfaces through 'exit'
    child.on('error', (error) => fail(s, `cannot start ${options.bwrapPath}: ${error.message}`));
    child.on('exit', (code, signal) => fail(s, `python sandbox exited (${signal ?? `code ${code}`})${s.stderr ? `: ${s.stderr.trim()}` : ''}`));
    return s;
  }

  function fail(s: Server, message: string): void {
    if (server === s) server = undefined;
    const waiter = s.waiter;
    s.waiter = undefined;
    waiter?.reject(new Error(message));
  }

  function onData(s: Server, chunk: string): void {
    s.pending += chunk;
    let newline: number;
    while ((newline = s.pending.indexOf('\n')) >= 0) {
      const line = s.pending.slice(0, newline);
      s.pending = s.pending.slice(newline + 1);
      const waiter = s.waiter;
      let msg: { id?: number; tests?: SandboxTestRun[]; tests_error?: string; error?: string };
      try {
        msg = JSON.parse(line);
      } catch {
        s.child.kill('SIGKILL');
        return;
      }
      if (!waiter || msg.id !== waiter.id) continue;
      s.waiter = undefined;
      if (msg.tests_error !== undefined) waiter.resolve({ tests: [], testsError: msg.tests_error });
      else if (msg.error || !msg.tests) waiter.reject(new Error(`python sandbox: ${msg.error ?? 'malformed response'}`));
      else waiter.resolve({ tests: msg.tests.map(toTestRun) });
    }
  }

  function attempt(request: SandboxRunRequest): Promise<SandboxRunResult> {
    server ??= start();
    const s = server;
    const inputs = request.mode === 'script' ? [''] : request.inputs;
    const budgetMs = request.deadline === undefined ? inputs.length * request.timeoutMs : Math.max(0, request.deadline - Date.now());
    const id = nextId++;
    const job = {
      id,
      mode: request.mode,
      source: request.source,
      fn_name: request.fnName,
      assert_code: request.assertCode,
      inputs,
      timeout_ms: request.timeoutMs,
      budget_ms: budgetMs,
      memory_mb: options.memoryMb,
      output_bytes: options.outputBytes,
      max_processes: s.maxProcesses,
    };
    return new Promise<SandboxRunResult>((resolve, reject) => {
      const watchdog = setTimeout(() => s.child.kill('SIGKILL'), Math.min(budgetMs, inputs.length * request.timeoutMs) + WATCHDOG_SLACK_MS);
      s.waiter = {
        id,
        resolve: (r) => (clearTimeout(watchdog), resolve(r)),
        reject: (e) => (clearTimeout(watchdog), reject(e)),
      };
      s.child.stdin.write(`${JSON.stringify(job)}\n`);
    });
  }

  async function runWithRetry(request: SandboxRunRequest): Promise<SandboxRunResult> {
    try {
      return await attempt(request);
    } catch {
      return attempt(request);
    }
  }

  return {
    run(request) {
      const result = chain.then(() => runWithRetry(request));
      chain = result.catch(() => {});
      return result;
    },
    close() {
      server?.child.kill('SIGKILL');
      server = undefined;
    },
  };
}

function toTestRun(t: SandboxTestRun): SandboxTestRun {
  const run: SandboxTestRun = { status: t.status, ms: Math.round(t.ms * 100) / 100, stdout: t.stdout, stderr: t.stderr };
  if (t.value !== undefined) run.value = t.value;
  return run;
}
