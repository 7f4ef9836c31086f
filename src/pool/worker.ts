/**
 * Entry point of a pool worker process. Runs the cells it is sent, one at a
 * time, and reports their results in batches. A rule that throws fails only
 * its own cell. A rule that spins past its deadline is stopped where it spins
 * by the pool's SIGINT, and the process, warm, goes on with the next cell; one
 * that hangs where SIGINT cannot reach (after an await) is the pool's to kill.
 */
import fs from 'node:fs';
import vm from 'node:vm';
import type { RewardContext, RewardDefinition, ScoreResult } from '../../rewards/types.ts';
import { decodeChunk, encodeResults, type ChunkCell, type FromWorker, type ToWorker, type WorkerOptions, type WorkerResult } from './protocol.ts';
import { createContextBase } from './context.ts';
import { checkResult } from './check-result.ts';
import { loadRewards } from '../load-rewards.ts';

const options = JSON.parse(process.argv[2] ?? '{}') as WorkerOptions;
// The status board (worker-process.ts): the pool reads which cell runs from it, without a message per cell.
const board = process.argv[3] ? fs.openSync(process.argv[3], 'r+') : undefined;
const boardCell = new Float64Array(3);
const announce = (id: number) => {
  if (board === undefined) return;
  boardCell[0] = boardCell[2] = id;
  boardCell[1] = performance.timeOrigin + performance.now();
  fs.writeSync(board, boardCell, 0, boardCell.byteLength, 0);
};
// After the pool's process is gone there is nobody to tell; the 'disconnect' handler exits.
const send = (msg: FromWorker) => {
  if (process.connected) process.send!(msg);
};

async function main(): Promise<void> {
  const rules = new Map((await loadRewards(options.rewardModules)).map((rule) => [rule.id, rule]));
  const base = await createContextBase(options);
  let chain = Promise.resolve();
  process.on('message', (msg: ToWorker) => {
    // Chunks run strictly in order: the pool times the oldest unreported cell.
    chain = chain.then(() => runChunk(msg, rules, base));
  });
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready' });
}

// Results are sent in batches: a message costs the HTTP process more than a cheap rule costs here. Deadlines
// do not depend on it (the pool times each cell from the board); results held back when a worker is killed
// are run again, so it stays small; 2 ms made the HTTP process spend a fifth more CPU per request than 10 ms.
const FLUSH_MS = 10;

/**
 * Cells' synchronous parts run inside one vm call with `breakOnSigint` per run of cells, not one per cell:
 * arming the SIGINT watchdog costs ~0.1 ms. Outside such a call (awaiting a rule's promise, between chunks)
 * SIGINT is ignored, and the pool, seeing the same cell still running, kills the process instead.
 */
const SEGMENT = '__verdictCells';
const segment = new vm.Script(`globalThis.${SEGMENT}()`, { filename: 'verdict-cells.js' });
process.on('SIGINT', () => undefined);

interface Run {
  cells: ChunkCell[];
  /** The cell running, or next to run. */
  index: number;
  started: number;
  /** The promise of an async rule's cell, awaited outside the vm call. */
  waiting?: Promise<ScoreResult>;
  /** Called with each finished cell's result. */
  done(cell: ChunkCell, result: ScoreResult): void;
}

const isPromise = (value: unknown): value is Promise<ScoreResult> => typeof (value as { then?: unknown } | null)?.then === 'function';
const failed = (error: unknown): ScoreResult => ({
  score: null,
  reason: 'error',
  details: { message: error instanceof Error ? error.message : String(error) },
});

function startCell(cell: ChunkCell, rules: Map<string, RewardDefinition>, base: Omit<RewardContext, 'deadline'>): ScoreResult | Promise<ScoreResult> {
  const rule = rules.get(cell.ruleId);
  try {
    if (!rule) throw new Error(`rule ${cell.ruleId} is not available in this worker`);
    const ctx: RewardContext = { ...base, deadline: Date.now() + cell.timeoutMs };
    const result = rule.score(cell.sample, cell.params, ctx);
    return isPromise(result) ? result.then((r) => checkResult(r, rule.range), failed) : checkResult(result, rule.range);
  } catch (error) {
    return failed(error);
  }
}

async function runChunk(msg: ToWorker, rules: Map<string, RewardDefinition>, base: Omit<RewardContext, 'deadline'>): Promise<void> {
  let pending: WorkerResult[] = [];
  let lastFlush = performance.now();
  const flush = () => {
    send({ type: 'results', results: encodeResults(pending) });
    pending = [];
    lastFlush = performance.now();
  };
  const run: Run = {
    cells: decodeChunk(msg),
    index: 0,
    started: 0,
    done(cell, result) {
      const finished = performance.now();
      pending.push([cell.id, { ...result, ms: finished - run.started }]);
      run.index++;
      if (finished - lastFlush >= FLUSH_MS) flush();
    },
  };
  (globalThis as Record<string, unknown>)[SEGMENT] = () => {
    while (run.index < run.cells.length) {
      const cell = run.cells[run.index];
      announce(cell.id);
      run.started = performance.now();
      const result = startCell(cell, rules, base);
      if (isPromise(result)) {
        run.waiting = result;
        return;
      }
      run.done(cell, result);
    }
  };
  while (run.index < run.cells.length) {
    try {
      segment.runInThisContext({ breakOnSigint: true });
    } catch (error) {
      if ((error as { code?: string }).code !== 'ERR_SCRIPT_EXECUTION_INTERRUPTED') throw error;
      const cell = run.cells[run.index];
      // A SIGINT meant for a cell that had just finished may land on the next one: that one runs again.
      if (performance.now() - run.started >= cell.timeoutMs) run.done(cell, { score: null, reason: 'timeout', details: { timeout_ms: cell.timeoutMs } });
      continue;
    }
    if (run.waiting) {
      const cell = run.cells[run.index];
      const result = await run.waiting;
      run.waiting = undefined;
      run.done(cell, result);
    }
  }
  if (pending.length > 0) flush();
}

main().catch((error: unknown) => {
  send({ type: 'fatal', message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
