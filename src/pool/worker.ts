/**
 * Entry point of a pool worker process. Runs the cells it is sent, one at a
 * time, and reports each result as soon as it has it. A rule that throws
 * fails only its own cell; a rule that hangs is the pool's to kill.
 */
import fs from 'node:fs';
import type { RewardContext, RewardDefinition, ScoreResult } from '../../rewards/types.ts';
import { decodeChunk, encodeResults, type FromWorker, type ToWorker, type WorkerOptions, type WorkerResult } from './protocol.ts';
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

async function runChunk(msg: ToWorker, rules: Map<string, RewardDefinition>, base: Omit<RewardContext, 'deadline'>): Promise<void> {
  let pending: WorkerResult[] = [];
  let lastFlush = performance.now();
  const flush = () => {
    send({ type: 'results', results: encodeResults(pending) });
    pending = [];
    lastFlush = performance.now();
  };
  for (const cell of decodeChunk(msg)) {
    announce(cell.id);
    const started = performance.now();
    let result: ScoreResult;
    const rule = rules.get(cell.ruleId);
    try {
      if (!rule) throw new Error(`rule ${cell.ruleId} is not available in this worker`);
      const ctx: RewardContext = { ...base, deadline: Date.now() + cell.timeoutMs };
      result = checkResult(await rule.score(cell.sample, cell.params, ctx), rule.range);
    } catch (error) {
      result = { score: null, reason: 'error', details: { message: error instanceof Error ? error.message : String(error) } };
    }
    const finished = performance.now();
    pending.push([cell.id, { ...result, ms: finished - started }]);
    if (finished - lastFlush >= FLUSH_MS) flush();
  }
  if (pending.length > 0) flush();
}

main().catch((error: unknown) => {
  send({ type: 'fatal', message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
