/**
 * A pool's workers as a set of processes: keeps `count` of them started (the pool's size plus its
 * standbys), starts a replacement for each one that dies or is killed, backs off after workers that
 * die before they are ready, and says when all are up. Which cells go where, and what a death means
 * for them, is pool.ts's.
 */
import type { WorkerResult } from './protocol.ts';
import type { PoolLogger, StartWorker, WorkerHandle } from './worker-process.ts';

/** What the set keeps of each worker; the pool adds its own fields (`create`). */
export interface Worker {
  handle: WorkerHandle;
  ready: boolean;
  /** Killed by the pool: no longer counted, its exit changes nothing. */
  killed: boolean;
  exited: Promise<void>;
}

interface WorkerSetOptions<W extends Worker> {
  name: string;
  /** Workers kept started. */
  count: number;
  startWorker: StartWorker;
  logger: PoolLogger;
  /** The pool's own fields of a new worker. */
  create(): Omit<W, keyof Worker>;
  ready(worker: W): void;
  results(worker: W, results: WorkerResult[]): void;
  /** A worker the pool did not kill exited (never while closing); its replacement is on its way. */
  died(worker: W, code: number | null, signal: NodeJS.Signals | null): void;
  /** Called when a worker is replaced, for metrics. */
  onRestart?: () => void;
}

export interface WorkerSet<W extends Worker> {
  /** Starts the first `count` workers: once the pool can take their events. */
  start(): void;
  /** Started and not exited, killed ones included until their exit. */
  all(): Iterable<W>;
  /** Ready and not killed: the workers that may take cells. */
  usable(): W[];
  /** Kills `worker` and starts its replacement; a standby takes over meanwhile. */
  replace(worker: W): void;
  restarts(): number;
  /** Resolves once every worker is up (or rejects if they die at start-up). */
  ready(): Promise<void>;
  /** Kills every worker; resolves once all have exited. */
  close(): Promise<void>;
}

const RESPAWN_BACKOFF_MS = 200; // after a worker that died before it was ready

export function createWorkerSet<W extends Worker>(options: WorkerSetOptions<W>): WorkerSet<W> {
  const workers = new Set<W>();
  let restarts = 0;
  let earlyDeaths = 0;
  let closing = false;
  let waiters: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];

  const usable = () => [...workers].filter((w) => w.ready && !w.killed);
  /** Every worker is up. A killed worker counts as down from the kill, not from its exit. */
  const allReady = () => usable().length >= options.count;
  const restarted = () => {
    restarts++;
    options.onRestart?.();
  };

  function start(): void {
    if (closing) return;
    let exited!: () => void;
    const worker = { ...options.create(), ready: false, killed: false, exited: new Promise<void>((r) => (exited = r)) } as W;
    workers.add(worker);
    worker.handle = options.startWorker({
      ready() {
        worker.ready = true;
        earlyDeaths = 0;
        if (allReady()) {
          for (const w of waiters) w.resolve();
          waiters = [];
        }
        options.ready(worker);
      },
      results: (results) => options.results(worker, results),
      fatal: (message) => options.logger.error({ pool: options.name, err: message }, 'worker failed to start'),
      exit(code, signal) {
        workers.delete(worker);
        if (!closing && !worker.killed) died(worker, code, signal);
        exited();
      },
    });
  }

  function died(worker: W, code: number | null, signal: NodeJS.Signals | null): void {
    options.died(worker, code, signal);
    if (!worker.ready) earlyDeaths++;
    restarted();
    if (earlyDeaths >= 3) {
      for (const w of waiters) w.reject(new Error(`pool ${options.name}: workers die at start-up`));
      waiters = [];
    }
    setTimeout(start, worker.ready ? 0 : RESPAWN_BACKOFF_MS * Math.min(earlyDeaths, 10)).unref();
  }

  return {
    start() {
      for (let i = 0; i < options.count; i++) start();
    },
    all: () => workers.values(),
    usable,
    replace(worker) {
      worker.killed = true;
      worker.handle.kill();
      restarted();
      start();
    },
    restarts: () => restarts,
    ready() {
      if (allReady()) return Promise.resolve();
      return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
    },
    async close() {
      closing = true;
      const all = [...workers];
      for (const worker of all) worker.handle.kill();
      await Promise.all(all.map((worker) => worker.exited));
    },
  };
}
