/**
 * One worker process as the pool sees it: start it, send it chunks, hear its
 * results, read which cell it is running, kill it. The pool's scheduling only
 * ever talks to a `WorkerHandle`, so tests can give it an in-process fake.
 *
 * Which cell runs is read from a status board: a small file the worker
 * overwrites (cell id and start time) before each cell. Results travel in
 * batches every few ms, so at a deadline the messages alone cannot tell a hung
 * cell from the finished cells whose results wait in the hung worker's buffer;
 * the board can, at the cost of one write syscall per cell and no message.
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeResults, type FromWorker, type ToWorker, type WorkerOptions, type WorkerResult } from './protocol.ts';

export interface PoolLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** What a worker tells the pool. */
export interface WorkerEvents {
  ready(): void;
  results(results: WorkerResult[]): void;
  /** It failed to start (before `ready`); its exit follows. */
  fatal(message: string): void;
  exit(code: number | null, signal: NodeJS.Signals | null): void;
}

export interface RunningCell {
  id: number;
  /** Epoch ms (performance.timeOrigin + performance.now()) when the cell started. */
  startedAt: number;
}

export interface WorkerHandle {
  /** Sends a chunk; throws when the channel cannot carry it. */
  run(chunk: ToWorker): void;
  /** The cell the worker started last, as its board says (undefined before its first cell). */
  current(): RunningCell | undefined;
  /** SIGINT: stops the cell running if it spins in synchronous code; the worker reports it as timed out and goes on. */
  interrupt(): void;
  /** SIGKILL; `exit` follows. */
  kill(): void;
}

/** Starts one worker; the pool calls it for every worker it needs, replacements and standbys included. */
export type StartWorker = (events: WorkerEvents) => WorkerHandle;

/** The board's layout, in float64s: id, started at, id again (a torn read shows two different ids). */
const BOARD_BYTES = 24;

function readBoard(fd: number, buffer = new Float64Array(3)): RunningCell | undefined {
  for (let attempt = 0; attempt < 3; attempt++) {
    if (fs.readSync(fd, buffer, 0, BOARD_BYTES, 0) < BOARD_BYTES) return undefined;
    if (buffer[0] === buffer[2]) return buffer[0] > 0 ? { id: buffer[0], startedAt: buffer[1] } : undefined;
  }
  return undefined;
}

// Workers run the build (plain JavaScript, scripts/build.js): beside this module in dist/, and dist's
// when this module runs from the TypeScript sources (tests), so a test's workers run what production runs.
const workerPath = fileURLToPath(import.meta.url.endsWith('.ts') ? new URL('../../dist/worker.js', import.meta.url) : new URL('./worker.js', import.meta.url));
// tmpfs where there is one: a board write then never touches a disk.
const boardDir = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
let boards = 0;

export interface ProcessWorkerOptions {
  name: string;
  worker: WorkerOptions;
  /** Workers' niceness: above 0 they yield the CPU to the HTTP process, which feeds them and answers probes. */
  niceness: number;
  logger: PoolLogger;
}

/** Real workers: a forked Node process per worker (src/pool/worker.ts). */
export function processWorkers(options: ProcessWorkerOptions): StartWorker {
  // isolated-vm needs V8 without Node's start-up snapshot; only sandbox workers load it.
  const execArgv = options.worker.kind === 'sandbox' ? ['--no-node-snapshot'] : [];
  return (events) => {
    const board = path.join(boardDir, `verdict-${process.pid}-${++boards}.board`);
    const fd = fs.openSync(board, 'w+', 0o600);
    fs.writeSync(fd, Buffer.alloc(BOARD_BYTES), 0, BOARD_BYTES, 0);
    // Both ends hold it open from the worker's start on; the name is not needed after that.
    const unlink = () => fs.rm(board, { force: true }, () => undefined);
    const child = fork(workerPath, [JSON.stringify(options.worker), board], {
      execArgv,
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    try {
      // When every core is busy, a starved HTTP process idles the workers too and makes /healthz slow.
      // Raising niceness needs no privilege; never below this process's own.
      if (child.pid !== undefined) os.setPriority(child.pid, Math.max(os.getPriority(), options.niceness));
    } catch (error) {
      options.logger.warn({ pool: options.name, err: (error as Error).message }, 'cannot lower the priority of a worker');
    }
    let open = true;
    child.on('message', (msg: FromWorker) => {
      if (msg.type === 'ready') {
        unlink();
        events.ready();
      } else if (msg.type === 'results') events.results(decodeResults(msg.results));
      else if (msg.type === 'fatal') events.fatal(msg.message);
    });
    child.on('exit', (code, signal) => {
      unlink();
      open = false;
      fs.closeSync(fd);
      events.exit(code, signal);
    });
    child.on('error', (error) => options.logger.error({ pool: options.name, err: error.message }, 'worker error'));
    const buffer = new Float64Array(3);
    return {
      run: (chunk) => child.send(chunk),
      current: () => (open ? readBoard(fd, buffer) : undefined),
      interrupt: () => child.kill('SIGINT'),
      kill: () => child.kill('SIGKILL'),
    };
  };
}
