/** Messages between a pool and its worker processes. */
import type { Sample, ScoreResult } from '../../rewards/types.ts';

export interface CellJob {
  ruleId: string;
  params: Record<string, unknown>;
  sample: Sample;
  /** Deadline for this cell alone, in ms. */
  timeoutMs: number;
}

export interface CellOutcome extends ScoreResult {
  /** Time spent scoring, in ms. */
  ms: number;
}

export type WorkerKind = 'score' | 'sandbox';

export interface WorkerOptions {
  kind: WorkerKind;
  /** Absolute paths of extra rule modules (config.rewardModules). */
  rewardModules: string[];
  /** Options for the sandbox, passed through to createSandbox in sandbox workers. */
  sandbox?: Record<string, unknown>;
}

export type ToWorker = { type: 'run'; cells: Array<CellJob & { id: number }> };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'fatal'; message: string }
  | { type: 'results'; results: Array<{ id: number; result: ScoreResult; ms: number }> };
