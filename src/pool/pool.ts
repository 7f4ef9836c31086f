/**
 * A pool of workers that score cells off the HTTP event loop: the scheduling.
 * Starting, messaging and killing processes is worker-process.ts's, keeping
 * enough of them started worker-set.ts's, and telling when a cell has had its
 * time deadline.ts's; this file decides which cells go where and acts on
 * deadlines and deaths.
 *
 * Each worker runs its chunks in order, one cell at a time, holding at most
 * the running chunk and the next. At most `size` workers run cells at once.
 * A cell past its deadline (timed from when its worker's board says it
 * started) is interrupted: SIGINT stops a cell spinning in synchronous code,
 * the worker reports it as timed out and goes on, warm, with the next. One
 * still running ESCALATE_MS later gets its worker killed and answers timeout;
 * the rest of its chunk goes back to the front of the queue, and one of the
 * `standby` workers kept ready takes over at once while the replacement boots.
 * A worker that dies fails only the cell it was running.
 */
import { deadlineStep, runningIndex } from './deadline.ts';
import { FairQueue } from './fair-queue.ts';
import type { CellJob, CellOutcome, WorkerOptions } from './protocol.ts';
import { encodeChunk, type ToWorker, type WorkerResult } from './protocol.ts';
import { processWorkers, type PoolLogger, type RunningCell, type StartWorker } from './worker-process.ts';
import { createWorkerSet, type Worker } from './worker-set.ts';

export type { PoolLogger } from './worker-process.ts';

export interface PoolOptions {
  name: string;
  /** Workers running cells at once. */
  size: number;
  /** Ready workers kept beside them, to take over from a killed one at once. */
  standby: number;
  /** Workers' niceness (see worker-process.ts). */
  niceness: number;
  worker: WorkerOptions;
  /** Cells allowed to wait; `canAccept` refuses beyond it. */
  maxQueued: number;
  /** Retry a cell once when its worker dies under it (sandbox semantics); a cell past its deadline is never retried. */
  retryOnce: boolean;
  /** Reason code of a cell whose worker died (after the retry, if any). */
  crashReason: string;
  /** Reason code of a cell that missed its deadline. */
  timeoutReason: string;
  logger: PoolLogger;
  /** Called with each cell's outcome, for metrics. */
  onOutcome?: (ruleId: string, outcome: CellOutcome) => void;
  /** Called when a worker is replaced, for metrics. */
  onRestart?: () => void;
  /** Starts a worker; real processes unless a test gives its own. */
  startWorker?: StartWorker;
}

interface PoolStats {
  size: number;
  /** Ready workers, standbys included; below `size` only while replacements boot. */
  alive: number;
  busy: number;
  queued: number;
  restarts: number;
}

/** Receives each submitted cell's outcome, with the cell's index in its `submit` call. Must not throw. */
type OutcomeSink = (index: number, outcome: CellOutcome) => void;

export interface Pool {
  /**
   * Queues the cells; `sink` gets each one's outcome exactly once (a callback,
   * not a promise per cell: requests have thousands of cells). `signal` ends the
   * request: its cells not yet answered answer null / timeout at once, and the
   * waiting ones leave the queue. `caller` (an API key or a connection) is whose
   * turn the cells wait for: callers' cells are taken in turns.
   */
  submit(jobs: readonly CellJob[], sink: OutcomeSink, signal?: AbortSignal, caller?: string): void;
  canAccept(cells: number): boolean;
  stats(): PoolStats;
  /** Resolves once every worker, standbys included, has started (or rejects if they cannot). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

interface Entry {
  job: CellJob;
  /** Its index in its `submit` call, for the sink. */
  index: number;
  sink: OutcomeSink;
  caller: string;
  /** The id of its latest send to a worker. */
  id: number;
  attempts: number;
  settled: boolean;
  inFlight: boolean;
  /** Past its deadline and interrupted: whatever its worker reports, it answers the pool's timeout. */
  timedOut?: boolean;
}

interface Slot extends Worker {
  /** Cells sent and not yet reported, in the order the worker runs them. */
  inFlight: Entry[];
  /** When inFlight[0] became the oldest unreported cell: its start, until the board says better. */
  headSince: number;
  /** The cell sent SIGINT at its deadline, as the board showed it: still running at the next look, it is killed. */
  interrupted?: RunningCell;
  timer?: NodeJS.Timeout;
}

const CHUNK_MAX = 64; // cells per message: amortises IPC without starving other workers
const now = () => performance.timeOrigin + performance.now();

export function createPool(options: PoolOptions): Pool {
  for (const [key, min] of [
    ['size', 1],
    ['standby', 0],
  ] as const) {
    if (!Number.isInteger(options[key]) || options[key] < min)
      throw new Error(`pool ${options.name}: ${key} must be an integer >= ${min}, got ${options[key]}`);
  }
  const queue = new FairQueue<Entry>();
  let nextId = 1;
  let closing = false;

  function settle(entry: Entry, outcome: CellOutcome): void {
    if (entry.settled) return;
    entry.settled = true;
    options.onOutcome?.(entry.job.ruleId, outcome);
    entry.sink(entry.index, outcome);
  }

  function onResults(slot: Slot, results: WorkerResult[]): void {
    if (slot.killed) return; // its cells were given back at the kill
    for (const [id, outcome] of results) {
      if (slot.inFlight[0]?.id !== id) break;
      const entry = slot.inFlight.shift()!;
      entry.inFlight = false;
      settle(entry, entry.timedOut ? timedOut(entry, outcome.ms) : outcome);
    }
    slot.headSince = now();
    watch(slot);
    pump();
  }

  /** A worker died under its cells: the one it was running fails (or is retried once), the others go back to the queue. */
  function onDeath(slot: Slot, code: number | null, signal: NodeJS.Signals | null): void {
    clearTimeout(slot.timer);
    const culprit = runningIndex(slot.inFlight, slot.handle.current()).index;
    options.logger.warn({ pool: options.name, code, signal, cells: slot.inFlight.length }, 'worker died');
    const died = slot.inFlight[culprit];
    giveBack(slot, culprit);
    if (died) {
      if (options.retryOnce && died.attempts < 2) queue.unshift(died.caller, [died]);
      else settle(died, { score: null, reason: options.crashReason, details: { message: `worker exited (${signal ?? `code ${code}`})` }, ms: 0 });
    }
    pump();
  }

  /** Puts every cell of the slot but the one at `except` back at the front of its caller's queue, budgets untouched. */
  function giveBack(slot: Slot, except: number): void {
    const back = new Map<string, Entry[]>();
    slot.inFlight.forEach((entry, i) => {
      entry.inFlight = false;
      if (i === except || entry.settled) return;
      entry.attempts--;
      const entries = back.get(entry.caller);
      if (entries) entries.push(entry);
      else back.set(entry.caller, [entry]);
    });
    slot.inFlight = [];
    for (const [caller, entries] of back) queue.unshift(caller, entries);
  }

  function timedOut(entry: Entry, ms: number): CellOutcome {
    return { score: null, reason: options.timeoutReason, details: { timeout_ms: entry.job.timeoutMs }, ms };
  }

  /** Arms the slot's timer for its next deadline, or acts on one already past (deadline.ts decides which). */
  function watch(slot: Slot): void {
    clearTimeout(slot.timer);
    if (slot.inFlight.length === 0 || slot.killed) return;
    const step = deadlineStep({ cells: slot.inFlight, board: slot.handle.current(), headSince: slot.headSince, interrupted: slot.interrupted }, now());
    if (step.act === 'wait') {
      slot.interrupted = step.interrupted;
      slot.timer = setTimeout(() => watch(slot), step.ms);
      return;
    }
    const entry = slot.inFlight[step.index];
    if (step.act === 'interrupt') {
      slot.interrupted = step.running;
      entry.timedOut = true;
      slot.handle.interrupt();
      slot.timer = setTimeout(() => watch(slot), step.ms);
      return;
    }
    options.logger.warn({ pool: options.name, rule: entry.job.ruleId, ms: Math.round(step.ms) }, 'cell deadline missed; killing worker');
    workers.replace(slot); // the standby takes the cells now; the replacement becomes the next standby
    giveBack(slot, step.index);
    settle(entry, timedOut(entry, step.ms));
    pump();
  }

  function pump(): void {
    if (queue.length === 0 || closing) return;
    const candidates = workers.usable();
    let running = candidates.filter((s) => s.inFlight.length > 0).length;
    // Emptiest workers first. A worker gets its next chunk while it still runs the current one, so it
    // does not sit idle while this process is busy (parsing a request, writing a response).
    for (const slot of candidates.sort((a, b) => a.inFlight.length - b.inFlight.length)) {
      if (queue.length === 0) return;
      const busy = slot.inFlight.length;
      if (busy === 0 && running >= options.size) continue; // a standby stays idle while `size` workers run
      const chunkSize = Math.min(CHUNK_MAX, Math.max(1, Math.ceil(queue.length / (options.size * 4))));
      if (busy >= chunkSize) continue;
      const chunk = queue.take(chunkSize)!;
      const firstId = nextId;
      nextId += chunk.length;
      let message: ToWorker;
      try {
        message = {
          type: 'run',
          ...encodeChunk(
            chunk.map((entry) => entry.job),
            firstId,
          ),
        };
        slot.handle.run(message);
      } catch (error) {
        // A cell the IPC channel cannot carry fails alone; the slot stays free for the next chunk.
        for (const entry of chunk)
          settle(entry, { score: null, reason: 'error', details: { message: `cell could not be sent to a worker: ${(error as Error).message}` }, ms: 0 });
        continue;
      }
      chunk.forEach((entry, i) => {
        entry.id = firstId + i;
        entry.attempts++;
        entry.inFlight = true;
      });
      slot.inFlight.push(...chunk);
      if (busy === 0) {
        running++;
        slot.headSince = now();
        watch(slot);
      }
    }
  }

  const workers = createWorkerSet<Slot>({
    name: options.name,
    count: options.size + options.standby,
    startWorker: options.startWorker ?? processWorkers(options),
    logger: options.logger,
    create: () => ({ inFlight: [], headSince: 0 }),
    ready: () => pump(),
    results: onResults,
    died: onDeath,
    onRestart: options.onRestart,
  });
  workers.start();

  return {
    submit(jobs, sink, signal, caller = '') {
      let left = jobs.length;
      const onAbort = () => {
        let waiting = 0;
        for (const entry of entries) {
          if (entry.settled) continue;
          if (!entry.inFlight) waiting++;
          settle(entry, aborted(signal!));
        }
        queue.release(waiting);
      };
      // The listener goes with the last outcome: a long-lived signal must not keep answered cells reachable.
      const counted: OutcomeSink = (index, outcome) => {
        sink(index, outcome);
        if (--left === 0) signal?.removeEventListener('abort', onAbort);
      };
      const entries = jobs.map((job, index): Entry => ({ job, index, sink: counted, caller, id: 0, attempts: 0, settled: false, inFlight: false }));
      if (signal?.aborted) {
        // The request has already ended: its cells answer now, never queued.
        for (const entry of entries) settle(entry, aborted(signal));
        return;
      }
      queue.push(caller, entries);
      signal?.addEventListener('abort', onAbort, { once: true });
      pump();
    },
    canAccept(cells) {
      return queue.length + cells <= options.maxQueued;
    },
    stats() {
      let busy = 0;
      for (const slot of workers.all()) if (slot.inFlight.length > 0 && !slot.killed) busy++;
      return { size: options.size, alive: workers.usable().length, busy, queued: queue.length, restarts: workers.restarts() };
    },
    ready: () => workers.ready(),
    async close() {
      closing = true;
      const closed: CellOutcome = { score: null, reason: options.crashReason, details: { message: 'pool closed' }, ms: 0 };
      for (const slot of workers.all()) {
        clearTimeout(slot.timer);
        for (const entry of slot.inFlight) settle(entry, closed);
      }
      await workers.close();
      for (const entry of queue.drain()) settle(entry, closed);
    },
  };
}

/** The pool as one caller sees it: every cell it submits is queued under `caller`. */
export function forCaller(pool: Pool, caller: string): Pool {
  return { ...pool, submit: (jobs, sink, signal) => pool.submit(jobs, sink, signal, caller) };
}

/** The outcome of a cell whose request ended (`signal` aborted) before the cell was answered. */
function aborted(signal: AbortSignal): CellOutcome {
  return { score: null, reason: 'timeout', details: { message: abortMessage(signal) }, ms: 0 };
}

function abortMessage(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name !== 'TimeoutError' && reason.name !== 'AbortError') return reason.message;
  return 'request deadline passed';
}
