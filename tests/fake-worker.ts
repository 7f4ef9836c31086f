/**
 * An in-process stand-in for worker processes, for the pool's scheduling tests:
 * it speaks the same WorkerHandle protocol (chunks in, batched results out, a
 * board saying which cell runs, SIGINT, SIGKILL) and acts on each completion's
 * text: `spin` runs until interrupted (then reports a timeout and goes on, as
 * a real worker does with a synchronous spin), `stuck` never finishes and
 * ignores interrupts (a hang after an await), `exit` kills its worker, `hold`
 * waits for `release()`, anything else scores 1 at once. Like a real worker it
 * reports a chunk's results in one batch at its end, so a cell that hangs
 * keeps the finished cells before it unreported: the case a deadline must
 * attribute exactly.
 * Every step is logged, so tests assert order and counts, never time.
 */
import { decodeChunk, type ChunkCell, type WorkerResult } from '../src/pool/protocol.ts';
import type { RunningCell, StartWorker, WorkerEvents } from '../src/pool/worker-process.ts';

export interface FakeWorkers {
  startWorker: StartWorker;
  /** `start w1`, `ready w1`, `run w1 a,b,c` (completions), `interrupt w1`, `kill w1`, `exit w1`. */
  log: string[];
  /** Started so far. */
  count(): number;
  /** Lets every `hold` cell that started finish. */
  release(): void;
  /** Workers report ready only when this is called (when built with `manualBoot`), in start order. */
  boot(): void;
}

export function createFakeWorkers({ manualBoot = false } = {}): FakeWorkers {
  const log: string[] = [];
  let started = 0;
  let holds: Array<() => void> = [];
  const unbooted: Array<() => void> = [];
  const later = (fn: () => void) => setImmediate(fn);

  const startWorker: StartWorker = (events: WorkerEvents) => {
    const name = `w${++started}`;
    log.push(`start ${name}`);
    let alive = true;
    let current: RunningCell | undefined;
    let stopSpin: (() => void) | undefined;
    let chain = Promise.resolve();
    const boot = () =>
      later(() => {
        if (!alive) return;
        log.push(`ready ${name}`);
        events.ready();
      });
    if (manualBoot) unbooted.push(boot);
    else boot();

    const exit = (code: number | null, signal: NodeJS.Signals | null) => {
      if (!alive) return;
      alive = false;
      later(() => {
        log.push(`exit ${name}`);
        events.exit(code, signal);
      });
    };

    async function runChunk(cells: ChunkCell[]): Promise<void> {
      const pending: WorkerResult[] = [];
      for (const cell of cells) {
        if (!alive) return;
        current = { id: cell.id, startedAt: performance.timeOrigin + performance.now() };
        const text = cell.sample.completion;
        if (text === 'stuck') return new Promise<void>(() => undefined); // held results are never sent
        if (text === 'exit') return exit(3, null);
        if (text === 'spin') {
          await new Promise<void>((resolve) => (stopSpin = resolve));
          stopSpin = undefined;
          if (!alive) return;
          pending.push([cell.id, { score: null, reason: 'timeout', details: { timeout_ms: cell.timeoutMs }, ms: cell.timeoutMs }]);
          continue;
        }
        if (text === 'hold') await new Promise<void>((resolve) => holds.push(resolve));
        if (!alive) return;
        pending.push([cell.id, { score: 1, ms: 1 }]);
      }
      await new Promise<void>((resolve) => later(resolve));
      if (alive) events.results(pending);
    }

    return {
      run(message) {
        if (!alive) throw new Error('channel closed');
        const cells = decodeChunk(message);
        log.push(`run ${name} ${cells.map((c) => c.sample.completion).join(',')}`);
        chain = chain.then(() => runChunk(cells));
      },
      current: () => current,
      interrupt() {
        log.push(`interrupt ${name}`);
        stopSpin?.();
      },
      kill() {
        if (alive) log.push(`kill ${name}`);
        exit(null, 'SIGKILL');
      },
    };
  };

  return {
    startWorker,
    log,
    count: () => started,
    release() {
      const waiting = holds;
      holds = [];
      for (const resolve of waiting) resolve();
    },
    boot() {
      for (const boot of unbooted.splice(0)) boot();
    },
  };
}
