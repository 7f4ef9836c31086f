/**
 * A pool of worker processes that score cells off the HTTP event loop.
 *
 * Each worker runs its chunks of cells in order, one cell at a time, holding
 * at most the running chunk and the next, and reports finished cells every
 * few milliseconds, so the pool always knows which cell
 * is running and (within that flush interval) since when. A cell past its deadline gets its worker SIGKILLed and
 * replaced; the rest of the chunk goes back to the front of the queue. A
 * worker that dies fails only the cell it was running.
 */
import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Deque } from './deque.ts';
import { decodeResults, encodeChunk, type CellJob, type CellOutcome, type FromWorker, type ToWorker, type WorkerOptions } from './protocol.ts';

export interface PoolLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface PoolOptions {
  name: string;
  size: number;
  /** Workers' niceness: above 0 they yield the CPU to the HTTP process, which feeds them and answers probes. */
  niceness: number;
  worker: WorkerOptions;
  /** Cells allowed to wait; `canAccept` refuses beyond it. */
  maxQueued: number;
  /** Retry a cell once when its worker dies or misses the deadline (sandbox semantics). */
  retryOnce: boolean;
  /** Reason code of a cell whose worker died (after the retry, if any). */
  crashReason: string;
  /** Reason code of a cell that missed its deadline (after the retry, if any). */
  timeoutReason: string;
  logger: PoolLogger;
  /** Called with each cell's outcome, for metrics. */
  onOutcome?: (ruleId: string, outcome: CellOutcome) => void;
  /** Called when a worker is replaced, for metrics. */
  onRestart?: () => void;
}

export interface PoolStats {
  size: number;
  alive: number;
  busy: number;
  queued: number;
  restarts: number;
}

/** Receives each submitted cell's outcome, with the cell's index in its `submit` call. Must not throw. */
export type OutcomeSink = (index: number, outcome: CellOutcome) => void;

export interface Pool {
  /**
   * Queues the cells; `sink` gets each one's outcome exactly once (a callback,
   * not a promise per cell: requests have thousands of cells).
   */
  submit(jobs: readonly CellJob[], sink: OutcomeSink, signal?: AbortSignal): void;
  canAccept(cells: number): boolean;
  stats(): PoolStats;
  /** Resolves once every worker has started (or rejects if they cannot). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

interface Entry {
  job: CellJob;
  /** Its index in its `submit` call, for the sink. */
  index: number;
  sink: OutcomeSink;
  /** The id of its latest send to a worker. */
  id: number;
  attempts: number;
  settled: boolean;
  /** Runs alone in its chunk: set after a deadline hit a chunk whose culprit is not known. */
  isolated?: boolean;
}

interface Slot {
  child: ChildProcess;
  ready: boolean;
  /** Cells sent to the child and not yet reported, in the order it runs them. */
  inFlight: Entry[];
  timer?: NodeJS.Timeout;
  startedAt: number;
  killed: boolean;
}

// Workers run the build (plain JavaScript, scripts/build.js): beside this module in dist/, and dist's
// when this module runs from the TypeScript sources (tests), so a test's workers run what production runs.
const workerPath = fileURLToPath(import.meta.url.endsWith('.ts') ? new URL('../../dist/worker.js', import.meta.url) : new URL('./worker.js', import.meta.url));
const CHUNK_MAX = 64; // cells per message: amortises IPC without starving other workers
const RESPAWN_BACKOFF_MS = 200; // after a worker that died before it was ready

export function createPool(options: PoolOptions): Pool {
  if (!Number.isInteger(options.size) || options.size < 1) {
    throw new Error(`pool ${options.name}: size must be an integer >= 1, got ${options.size}`);
  }
  const queue = new Deque<Entry>();
  const slots = new Set<Slot>();
  let queued = 0; // unsettled entries in the queue
  let restarts = 0;
  let nextId = 1;
  let closing = false;
  let readyWaiters: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  let earlyDeaths = 0;

  const settle = (entry: Entry, outcome: CellOutcome) => {
    if (entry.settled) return;
    entry.settled = true;
    options.onOutcome?.(entry.job.ruleId, outcome);
    entry.sink(entry.index, outcome);
  };

  // isolated-vm needs V8 without Node's start-up snapshot; only sandbox workers load it.
  const execArgv = options.worker.kind === 'sandbox' ? ['--no-node-snapshot'] : [];

  function spawn(): void {
    if (closing) return;
    const child = fork(workerPath, [JSON.stringify(options.worker)], {
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
    const slot: Slot = { child, ready: false, inFlight: [], startedAt: 0, killed: false };
    slots.add(slot);
    child.on('message', (msg: FromWorker) => onMessage(slot, msg));
    child.on('exit', (code, signal) => onExit(slot, code, signal));
    child.on('error', (error) => options.logger.error({ pool: options.name, err: error.message }, 'worker error'));
  }

  function onMessage(slot: Slot, msg: FromWorker): void {
    if (msg.type === 'ready') {
      slot.ready = true;
      earlyDeaths = 0;
      if (allReady()) {
        for (const w of readyWaiters) w.resolve();
        readyWaiters = [];
      }
      pump();
    } else if (msg.type === 'fatal') {
      options.logger.error({ pool: options.name, err: msg.message }, 'worker failed to start');
    } else if (msg.type === 'results') {
      for (const [id, outcome] of decodeResults(msg.results)) {
        if (slot.inFlight[0]?.id !== id) return; // results of a chunk already given up on
        settle(slot.inFlight.shift()!, outcome);
      }
      // The next cell started at most FLUSH_MS before this batch arrived; its deadline counts from now.
      armTimer(slot);
      pump();
    }
  }

  function onExit(slot: Slot, code: number | null, signal: NodeJS.Signals | null): void {
    clearTimeout(slot.timer);
    slots.delete(slot);
    if (closing) return;
    const [current, ...rest] = slot.inFlight;
    if (!slot.killed) {
      options.logger.warn({ pool: options.name, code, signal, cells: slot.inFlight.length }, 'worker died');
      if (current) fail(current, options.crashReason, `worker exited (${signal ?? `code ${code}`})`);
    }
    for (const entry of rest) entry.attempts--; // never started: the retry budget is untouched
    requeue(rest);
    if (!slot.ready) earlyDeaths++;
    restarts++;
    options.onRestart?.();
    if (earlyDeaths >= 3) {
      for (const w of readyWaiters) w.reject(new Error(`pool ${options.name}: workers die at start-up`));
      readyWaiters = [];
    }
    setTimeout(spawn, slot.ready ? 0 : RESPAWN_BACKOFF_MS * Math.min(earlyDeaths, 10)).unref();
  }

  /** A cell whose worker died or timed out: retried once where the pool allows, else a null with a reason. */
  function fail(entry: Entry, reason: string, message: string): void {
    if (options.retryOnce && entry.attempts < 2 && !entry.settled) {
      requeue([entry]);
      return;
    }
    settle(entry, { score: null, reason, details: { message }, ms: 0 });
  }

  function requeue(entries: Entry[]): void {
    const live = entries.filter((e) => !e.settled);
    queue.unshiftAll(live);
    queued += live.length;
    pump();
  }

  function armTimer(slot: Slot): void {
    clearTimeout(slot.timer);
    const current = slot.inFlight[0];
    if (!current) return;
    slot.startedAt = performance.now();
    slot.timer = setTimeout(() => {
      slot.killed = true;
      const ms = performance.now() - slot.startedAt;
      options.logger.warn({ pool: options.name, rule: current.job.ruleId, ms: Math.round(ms) }, 'cell deadline missed; killing worker');
      slot.child.kill('SIGKILL');
      if (slot.inFlight.length > 1) {
        // Results of the last few ms may not have been flushed, so the hung cell is one of
        // several: run each alone once more, where a hang is attributed exactly.
        for (const entry of slot.inFlight) {
          entry.isolated = true;
          entry.attempts--;
        }
        requeue(slot.inFlight);
        slot.inFlight = [];
        return;
      }
      if (options.retryOnce && current.attempts < 2) requeue([current]);
      else settle(current, { score: null, reason: options.timeoutReason, details: { timeout_ms: current.job.timeoutMs }, ms });
      // onExit requeues the rest of the chunk and spawns the replacement.
    }, current.job.timeoutMs);
  }

  function pump(): void {
    // Emptiest workers first. A worker gets its next chunk while it still runs the current one, so it
    // does not sit idle while this process is busy (parsing a request, writing a response).
    for (const slot of [...slots].sort((a, b) => a.inFlight.length - b.inFlight.length)) {
      if (queued === 0) return;
      if (!slot.ready || slot.killed) continue;
      const chunkSize = Math.min(CHUNK_MAX, Math.max(1, Math.ceil(queued / (slots.size * 4))));
      const busy = slot.inFlight.length;
      if (busy >= chunkSize) continue;
      // A cell whose culprit is unknown runs with nothing queued before or after it in its worker.
      if (busy > 0 && (slot.inFlight[busy - 1].isolated || queue.peek()?.isolated)) continue;
      const chunk: Entry[] = [];
      while (chunk.length < chunkSize && queue.length > 0) {
        const entry = queue.shift()!;
        if (entry.settled) continue;
        if (entry.isolated && chunk.length > 0) {
          queue.unshiftAll([entry]);
          break;
        }
        queued--;
        entry.attempts++;
        chunk.push(entry);
        if (entry.isolated) break;
      }
      if (chunk.length === 0) return;
      const firstId = nextId;
      nextId += chunk.length;
      try {
        slot.child.send({ type: 'run', ...encodeChunk(chunk.map((entry) => entry.job), firstId) } satisfies ToWorker);
      } catch (error) {
        // A cell the IPC channel cannot carry fails alone; the slot stays free for the next chunk.
        for (const entry of chunk) settle(entry, { score: null, reason: 'error', details: { message: `cell could not be sent to a worker: ${(error as Error).message}` }, ms: 0 });
        continue;
      }
      chunk.forEach((entry, i) => (entry.id = firstId + i));
      slot.inFlight.push(...chunk);
      if (busy === 0) armTimer(slot);
    }
  }

  for (let i = 0; i < options.size; i++) spawn();

  return {
    submit(jobs, sink, signal) {
      const entries = jobs.map((job, index): Entry => ({ job, index, sink, id: 0, attempts: 0, settled: false }));
      for (const entry of entries) queue.push(entry);
      queued += entries.length;
      if (signal) {
        const abort = () => {
          for (const entry of entries) {
            if (entry.settled) continue;
            const waiting = !isInFlight(entry);
            settle(entry, { score: null, reason: 'timeout', details: { message: 'request deadline passed' }, ms: 0 });
            if (waiting) queued--;
          }
        };
        if (signal.aborted) abort();
        else signal.addEventListener('abort', abort, { once: true });
      }
      pump();
    },
    canAccept(cells) {
      return queued + cells <= options.maxQueued;
    },
    stats() {
      let busy = 0;
      let alive = 0;
      for (const slot of slots) {
        if (slot.ready && !slot.killed) alive++;
        if (slot.inFlight.length > 0) busy++;
      }
      return { size: options.size, alive, busy, queued, restarts };
    },
    ready() {
      if (allReady()) return Promise.resolve();
      return new Promise((resolve, reject) => readyWaiters.push({ resolve, reject }));
    },
    async close() {
      closing = true;
      const exits = [...slots].map((slot) => new Promise<void>((resolve) => {
        if (slot.child.exitCode !== null || slot.child.signalCode !== null) return resolve();
        slot.child.once('exit', () => resolve());
        slot.child.kill('SIGKILL');
      }));
      await Promise.all(exits);
      while (queue.length > 0) {
        const entry = queue.shift()!;
        settle(entry, { score: null, reason: options.crashReason, details: { message: 'pool closed' }, ms: 0 });
      }
      queued = 0;
    },
  };

  /**
   * Every slot of the configured size is up. A worker killed at a deadline counts as down from the kill,
   * not from its exit: until its replacement is ready, the pool runs on fewer workers.
   */
  function allReady(): boolean {
    let ready = 0;
    for (const slot of slots) if (slot.ready && !slot.killed) ready++;
    return ready >= options.size;
  }

  function isInFlight(entry: Entry): boolean {
    for (const slot of slots) if (slot.inFlight.includes(entry)) return true;
    return false;
  }
}
