/**
 * Start-up cost in CPU seconds (user + system, from /proc), which is what an
 * autoscaled pod or a replaced worker pays whatever else the machine is doing:
 * the server from spawn to its first 200 on /readyz, its whole process tree
 * (HTTP process, pool workers, the Python sandbox's self-test); each pool
 * worker's own CPU when the server is ready (it is idle once it has said
 * ready); and the CLI resuming a file that is already scored, from spawn to
 * exit. Each figure is the median of RUNS starts.
 *
 * `--root DIR --node BIN` measures another checkout with another node binary
 * (for example main's, on the runtime it ships with), by its own `npm start`
 * command and its own bin/verdict.js.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, startArgs } from '../tests/spawn-server.ts';
import { median } from './lib.ts';
import type { BenchRow } from './table.ts';

const RUNS = 3;
const READY_GIVE_UP_MS = 180_000;
const TICKS_PER_SEC = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
const GOALS = { server: 3, worker: 0.3, cli: 2 }; // CPU s (issue #17, item 2)

interface Proc {
  pid: number;
  ppid: number;
  /** Own CPU plus that of its children already reaped, in s. */
  cpu: number;
}

function readProc(pid: number): Proc | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { pid, ppid: Number(f[1]), cpu: (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / TICKS_PER_SEC };
  } catch {
    return undefined; // gone in between
  }
}

/** `root` and its live descendants (bubblewrap calls setsid: its processes leave the process group). */
function tree(root: number): Proc[] {
  const all = fs
    .readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .map((e) => readProc(Number(e)))
    .filter((p) => p !== undefined);
  const byParent = new Map<number, Proc[]>();
  for (const p of all) byParent.set(p.ppid, [...(byParent.get(p.ppid) ?? []), p]);
  const found = all.filter((p) => p.pid === root);
  for (let i = 0; i < found.length; i++) found.push(...(byParent.get(found[i].pid) ?? []));
  return found;
}

const cmdline = (pid: number) => {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return [];
  }
};

interface ServerStart {
  total: number;
  scoreWorker: number;
  sandboxWorker: number;
}

async function startServerOnce(root: string, node: string, dataDir: string): Promise<ServerStart> {
  const port = await freePort();
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', DATA_DIR: dataDir };
  const child = spawn(node, startArgs(root), { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  try {
    const giveUp = Date.now() + READY_GIVE_UP_MS;
    for (;;) {
      if (child.exitCode !== null || Date.now() > giveUp) throw new Error(`server did not start: ${stderr.slice(-2000)}`);
      const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const procs = tree(child.pid!);
    const workers = procs.filter((p) => p.ppid === child.pid && cmdline(p.pid).some((a) => /[/\\]worker\.[jt]s$/.test(a)));
    const kind = (p: Proc) => (cmdline(p.pid).some((a) => a.includes('"kind":"sandbox"')) ? 'sandbox' : 'score');
    const own = (k: string) => Math.max(0, ...workers.filter((p) => kind(p) === k).map((p) => p.cpu));
    return { total: procs.reduce((n, p) => n + p.cpu, 0), scoreWorker: own('score'), sandboxWorker: own('sandbox') };
  } finally {
    for (const p of tree(child.pid!).reverse()) {
      try {
        process.kill(p.pid, 'SIGKILL'); // descendants first, while they can still be found from the root
      } catch {
        // already gone
      }
    }
  }
}

/** CPU s of one CLI run and every process it waited for (bash's `times` after it exits). */
function cliOnce(root: string, node: string, args: string[], env: NodeJS.ProcessEnv): number {
  const run = spawnSync('bash', ['-c', '"$@" >/dev/null 2>&1; status=$?; times; exit $status', 'cli', node, 'bin/verdict.js', ...args], {
    cwd: root,
    env,
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`verdict ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  const children = run.stdout.trim().split('\n')[1] ?? ''; // "0m1.234s 0m0.321s": user and system of the children
  return [...children.matchAll(/(\d+)m([\d.]+)s/g)].reduce((n, m) => n + Number(m[1]) * 60 + Number(m[2]), 0);
}

export interface StartupFigures {
  server: number;
  scoreWorker: number;
  sandboxWorker: number;
  cliResume: number;
}

export async function measureStartup(root = process.cwd(), node = process.execPath): Promise<StartupFigures> {
  // A checkout with a build step is measured as built (what `npm start` would first make current).
  if (fs.existsSync(path.join(root, 'scripts/build.js'))) execFileSync(node, ['scripts/build.js', '--if-stale'], { cwd: root, stdio: 'inherit' });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verdict-startup-'));
  try {
    const starts: ServerStart[] = [];
    for (let i = 0; i < RUNS; i++) starts.push(await startServerOnce(root, node, path.join(dir, 'data')));
    const input = path.join(dir, 'in.jsonl');
    const output = path.join(dir, 'out.jsonl');
    const groups = Array.from({ length: 16 }, (_, i) => JSON.stringify({ id: `g${i}`, reference: String(i), completions: [`\\boxed{${i}}`] }));
    fs.writeFileSync(input, `${groups.join('\n')}\n`);
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: path.join(dir, 'data'), LOG_LEVEL: 'error' };
    const args = ['score', input, '--rewards', 'math-answer', '-o', output];
    cliOnce(root, node, args, env); // scores the file; the runs measured below find every group done
    const cli = Array.from({ length: RUNS }, () => cliOnce(root, node, args, env));
    return {
      server: median(starts.map((s) => s.total)),
      scoreWorker: median(starts.map((s) => s.scoreWorker)),
      sandboxWorker: median(starts.map((s) => s.sandboxWorker)),
      cliResume: median(cli),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchStartup(log: (line: string) => void = console.log): Promise<BenchRow[]> {
  const f = await measureStartup();
  log(
    `  start-up (CPU s): server ${f.server.toFixed(2)}, score worker ${f.scoreWorker.toFixed(2)}, sandbox worker ${f.sandboxWorker.toFixed(2)}, CLI resume ${f.cliResume.toFixed(2)}`,
  );
  const row = (workload: string, cpu: number, goal: number): BenchRow => ({
    benchmark: 'start-up',
    workload,
    figure: `${cpu.toFixed(2)} CPU s`,
    target: `<= ${goal} CPU s`,
    meets: cpu <= goal,
  });
  return [
    row('server: spawn to /readyz 200, whole process tree (defaults)', f.server, GOALS.server),
    row('a scoring pool worker: spawn to ready', f.scoreWorker, GOALS.worker),
    row('a sandbox pool worker: spawn to ready (isolated-vm)', f.sandboxWorker, GOALS.worker),
    row('CLI: `verdict score` resuming a finished file, spawn to exit', f.cliResume, GOALS.cli),
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { root: { type: 'string' }, node: { type: 'string' } } });
  const { renderTable } = await import('./table.ts');
  if (values.root === undefined) console.log(renderTable(await benchStartup()));
  else console.log(JSON.stringify(await measureStartup(path.resolve(values.root), values.node ?? process.execPath)));
}
