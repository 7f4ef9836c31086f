/**
 * Runs cells: each to its pool (sandbox rules to the sandbox), answered from
 * the cache where it can, and tells when a set of cells is done.
 */
import type { Config } from '../config.ts';
import { Overloaded } from '../errors.ts';
import type { Pool } from '../pool/pool.ts';
import type { CellOutcome } from '../pool/protocol.ts';
import type { Leaf } from '../registry/registry.ts';
import type { Cell } from './build-cells.ts';
import { capCellDetails } from './cap-details.ts';
import { isCacheable, type CellCache } from './cell-cache.ts';

export interface Pools {
  score: Pool;
  sandbox: Pool;
}

export interface RunDeps {
  pools: Pools;
  config: Config;
  cache?: CellCache;
}

/** What `admit` throws: Overloaded, saying when the pool that refused could take the cells. */
export type QueueFull = InstanceType<typeof Overloaded> & { hasRoom(): boolean };

export interface CellRun {
  /** Refuses the whole request up front (QueueFull) when a pool's queue cannot take its cells. */
  admit(cells: readonly Cell[]): void;
  /** Sends cells; each gets its outcome when its pool answers (or the signal ends the run). */
  submit(cells: readonly Cell[]): void;
}

function complete(cell: Cell, outcome: CellOutcome): void {
  cell.outcome = outcome;
  const waiters = cell.waiters;
  cell.waiters = undefined;
  waiters?.forEach((wake) => wake());
}

/** Resolves once every cell has its outcome: one promise for a group, not one per cell. */
export function allDone(cells: readonly (Cell | undefined)[]): Promise<void> {
  return new Promise((resolve) => {
    let pending = 1; // released at the end, so cells already done cannot resolve it early
    const wake = () => {
      if (--pending === 0) resolve();
    };
    for (const cell of cells) {
      if (!cell || cell.outcome) continue;
      pending++;
      (cell.waiters ??= []).push(wake);
    }
    wake();
  });
}

/** `signal` ends the run: cells still unscored when it fires answer null / timeout. */
export function createCellRun(deps: RunDeps, signal?: AbortSignal): CellRun {
  const poolOf = (cell: Cell) => (cell.leaf.rule.executor === 'sandbox' ? deps.pools.sandbox : deps.pools.score);
  // The request's deadline_ms ends the request through `signal`; it does not shorten the kill
  // deadline, so a client cannot force worker restarts with a tiny deadline.
  const timeoutOf = (leaf: Leaf) => Math.min(leaf.rule.timeoutMs ?? deps.config.cellTimeoutMs, deps.config.maxCellTimeoutMs);
  return {
    admit(cells) {
      const counts = new Map<Pool, number>();
      for (const cell of cells) counts.set(poolOf(cell), (counts.get(poolOf(cell)) ?? 0) + 1);
      for (const [pool, n] of counts) {
        if (!pool.canAccept(n)) {
          throw Object.assign(new Overloaded(pool.stats().queued), { hasRoom: () => pool.canAccept(n) }) satisfies QueueFull;
        }
      }
    },
    submit(cells) {
      const byPool = new Map<Pool, Cell[]>();
      for (const cell of cells) {
        const cached = deps.cache && cell.key ? deps.cache.get(cell.key) : undefined;
        if (cached) {
          complete(cell, cached);
          continue;
        }
        const pool = poolOf(cell);
        let list = byPool.get(pool);
        if (!list) byPool.set(pool, (list = []));
        list.push(cell);
      }
      for (const [pool, list] of byPool) {
        const jobs = list.map((cell) => ({ ruleId: cell.leaf.rule.id, params: cell.leaf.params, sample: cell.sample, timeoutMs: timeoutOf(cell.leaf) }));
        const sink = (i: number, reported: CellOutcome) => {
          const cell = list[i];
          const outcome = capCellDetails(reported, deps.config.cellDetailsLimitBytes);
          if (deps.cache && cell.key && isCacheable(outcome)) deps.cache.set(cell.key, outcome);
          complete(cell, outcome);
        };
        pool.submit(jobs, sink, signal);
      }
    },
  };
}
