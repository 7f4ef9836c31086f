/**
 * When the cell a worker runs has had its time: the pool's deadline arithmetic, apart from what the
 * pool does about it (pool.ts interrupts, kills, answers timeout).
 *
 * The worker's board says which cell runs and since when; until it shows one of the cells sent, the
 * oldest unreported cell counts as running since it became the oldest. A cell after the running one
 * may start any moment, unannounced (its results wait in the worker), so the next look comes before
 * the shortest deadline among them could pass. A cell the board shows past its deadline is
 * interrupted once; the same cell (same id, same start) still running ESCALATE_MS later, or a cell
 * past its deadline the board never showed, gets its worker killed.
 */
import type { RunningCell } from './worker-process.ts';

const ESCALATE_MS = 1_000; // after SIGINT, how long a cell may still run before its worker is killed (a niced worker may wait that long for a core)

export interface Watched {
  /** The worker's unreported cells, in the order it runs them (at least one). */
  cells: ReadonlyArray<{ id: number; job: { timeoutMs: number } }>;
  /** The cell the worker's board shows (undefined before its first). */
  board: RunningCell | undefined;
  /** When cells[0] became the oldest unreported cell. */
  headSince: number;
  /** The cell interrupted at its deadline, as the board showed it then. */
  interrupted: RunningCell | undefined;
}

export type DeadlineStep =
  /** No deadline has passed: look again in `ms`; `interrupted` is what still stands of the last interrupt. */
  | { act: 'wait'; ms: number; interrupted: RunningCell | undefined }
  /** cells[index] is past its deadline: interrupt it, remember `running`, look again in `ms`. */
  | { act: 'interrupt'; index: number; running: RunningCell; ms: number }
  /** cells[index] is past its deadline and was interrupted already (or never shown): kill its worker; it ran `ms`. */
  | { act: 'kill'; index: number; ms: number };

/**
 * Which of a worker's unreported cells runs now: the one its board shows (`shown`), else the oldest, as
 * a worker that has not announced a new cell is still on it (or about to start it).
 */
export function runningIndex(cells: Watched['cells'], board: RunningCell | undefined): { index: number; shown: boolean } {
  const index = board ? cells.findIndex((cell) => cell.id === board.id) : -1;
  return index < 0 ? { index: 0, shown: false } : { index, shown: true };
}

export function deadlineStep({ cells, board, headSince, interrupted }: Watched, now: number): DeadlineStep {
  const { index, shown } = runningIndex(cells, board);
  const startedAt = shown ? board!.startedAt : headSince;
  const stands = interrupted !== undefined && board !== undefined && interrupted.id === board.id && interrupted.startedAt === board.startedAt;
  const left = startedAt + cells[index].job.timeoutMs - now;
  if (left > 0) {
    let next = left;
    for (let i = index + 1; i < cells.length; i++) next = Math.min(next, cells[i].job.timeoutMs);
    return { act: 'wait', ms: next, interrupted: stands ? interrupted : undefined };
  }
  if (!stands && shown) return { act: 'interrupt', index, running: { id: board!.id, startedAt }, ms: ESCALATE_MS };
  return { act: 'kill', index, ms: now - startedAt };
}
