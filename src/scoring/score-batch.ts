/**
 * Scores a batch: every (completion x rule) cell, each identical cell once,
 * in the worker pools; then rewards, per-rule summaries and advantages.
 * Each group finishes on its own (rules that read other rules' verdicts run
 * once the group's other cells are in), so groups can be streamed as they end.
 */
import type { Sample } from '../../rewards/types.ts';
import type { Config } from '../config.ts';
import { Overloaded, TooManyCells, TooManyCompletions } from '../errors.ts';
import type { Pool } from '../pool/pool.ts';
import type { CellOutcome } from '../pool/protocol.ts';
import type { Leaf, Registry } from '../registry/registry.ts';
import { computeAdvantages, type GroupAdvantages } from './advantages.ts';
import { capCellDetails, createDetailsBudget } from './cap-details.ts';
import { cellKey, isCacheable, type CellCache } from './cell-cache.ts';
import { CellIndex } from './cell-index.ts';
import { completionText, type CompletionText } from './completion-text.ts';
import { planRules, type PlannedRule } from './plan-rules.ts';
import { reportCompletion, verdictsOf, type ScoredCell } from './report.ts';
import { summarizeRules } from './summarize.ts';
import type { CompletionReport, GroupInput, GroupReport, ScoreRequest, ScoreResponse } from './types.ts';

export interface Pools {
  score: Pool;
  sandbox: Pool;
}

export interface ScoringDeps {
  registry: Registry;
  pools: Pools;
  config: Config;
  cache?: CellCache;
}

export interface ScoreOptions {
  /** Whole-request deadline: cells still unscored when it fires become null / timeout. */
  signal?: AbortSignal;
  /** Called with each group as soon as it is final (for streaming). */
  onGroup?: (index: number, group: GroupReport) => void;
}

interface Cell extends ScoredCell {
  key: string;
  leaf: Leaf;
  sample: Sample;
  /** Called once the outcome is in (see `allDone`). */
  waiters?: Array<() => void>;
  /** For cells of rules that read verdicts: which completion of the group they belong to. */
  completionIndex?: number;
}

function complete(cell: Cell, outcome: CellOutcome): void {
  cell.outcome = outcome;
  const waiters = cell.waiters;
  cell.waiters = undefined;
  waiters?.forEach((wake) => wake());
}

/** Resolves once every cell has its outcome: one promise for a group, not one per cell. */
function allDone(cells: readonly (Cell | undefined)[]): Promise<void> {
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

/** Advantages that depend only on the group can be final before the batch is. */
const perGroupMethods = new Set(['group', 'none', 'rloo']);

export function scoreBatch(body: ScoreRequest, deps: ScoringDeps, options: ScoreOptions = {}): Promise<ScoreResponse> {
  try {
    return startBatch(body, deps, options);
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * Validates, plans and queues the batch synchronously (throwing catalog errors
 * for bad input before anything is sent), and returns the promise of its result.
 */
export function startBatch(body: ScoreRequest, deps: ScoringDeps, options: ScoreOptions = {}): Promise<ScoreResponse> {
  const started = performance.now();
  const { config } = deps;
  const rulesPerGroup = planRules(body, deps.registry);
  checkLimits(body, rulesPerGroup, config);

  const texts = body.groups.map((g) => g.completions.map(completionText));
  const unique: Cell[] = [];
  const index = new CellIndex<Cell>();
  const groupIds = new Map<string, string>(); // groups with the same prompt, reference and metadata share an id
  const deferred: Cell[][] = body.groups.map(() => []);
  // cellsOf[g][c][r] = the cells of rule r's leaves for completion c of group g
  const cellsOf = body.groups.map((group, gi) => {
    const groupKey = JSON.stringify([group.prompt, group.reference, group.metadata]);
    if (!groupIds.has(groupKey)) groupIds.set(groupKey, String(groupIds.size));
    const groupTexts = texts[gi].map((t) => t.text);
    return texts[gi].map((text, ci) => {
      // The cells of one completion share its sample (two, when a rule reads the group): a chunk
      // sent to a worker writes a shared sample once.
      const shared: { plain?: Sample; grouped?: Sample } = {};
      const sampleFor = (withGroup: boolean) => buildSample(group, text, withGroup, groupTexts, texts[gi], ci);
      // What the completion itself brings to a cell's identity (the same for all its rules).
      const own = text.completion_ids || text.num_tokens !== undefined ? `${text.text}\u0000${JSON.stringify([text.completion_ids, text.num_tokens])}` : text.text;
      return rulesPerGroup[gi].map((planned) =>
        planned.bound.leaves.map((leaf): Cell | undefined => {
          if (text.error) return undefined;
          const needsGroup = leaf.rule.needsGroup === true;
          if (leaf.rule.needsVerdicts) {
            // Its own sample: the verdicts of the completion's other cells are added to it later.
            const cell: Cell = { key: '', leaf, sample: sampleFor(needsGroup), completionIndex: ci };
            deferred[gi].push(cell);
            return cell;
          }
          // A rule that reads the group is keyed by the group itself; anything else by its inputs.
          const inputs = needsGroup ? `group ${gi}` : groupIds.get(groupKey)!;
          return index.getOrCreate(leaf, inputs, own, () => {
            const key = deps.cache ? cellKey(leaf, groupKey, text, needsGroup ? groupTexts : undefined) : '';
            const sample = needsGroup ? (shared.grouped ??= sampleFor(true)) : (shared.plain ??= sampleFor(false));
            const cell: Cell = { key, leaf, sample };
            unique.push(cell);
            return cell;
          });
        }),
      );
    });
  });

  const submitter = createSubmitter(deps, options.signal);
  const budget = createDetailsBudget(config.responseDetailsLimitBytes);
  const withinBudget = (report: CompletionReport): CompletionReport => {
    for (const cell of Object.values(report.rewards)) if (cell.details) cell.details = budget.take(cell.details);
    return report;
  };
  submitter.admit([...unique, ...deferred.flat()]);
  submitter.submit(unique);

  const method = body.advantages?.method ?? 'group';
  const aggregation = body.aggregation ?? 'sum_then_normalize';
  const epsilon = body.advantages?.epsilon ?? 1e-4;
  const streamable = aggregation === 'sum_then_normalize' && perGroupMethods.has(method);
  const advantagesOf = (reports: CompletionReport[][], gis: number[]) =>
    computeAdvantages(
      reports.map((completions, k) => ({
        rewards: completions.map((c) => c.reward),
        perRule: completions.map((c) => rulesPerGroup[gis[k]].map((p) => c.rewards[p.label].score)),
        weights: rulesPerGroup[gis[k]].map((p) => p.weight),
      })),
      method,
      aggregation,
      epsilon,
    );
  const groupReport = (gi: number, completions: CompletionReport[], adv: GroupAdvantages): GroupReport => ({
    id: body.groups[gi].id ?? String(gi),
    completions,
    advantages: adv.advantages,
    mean: adv.mean,
    std: adv.std,
    zero_std: adv.zeroStd,
  });

  const finish = async (): Promise<ScoreResponse> => {
    const groups: GroupReport[] = new Array(body.groups.length);
    const completionReports = await Promise.all(
      body.groups.map(async (_group, gi) => {
        // The verdict-reading cells are not sent yet: they wait on these.
        await allDone(cellsOf[gi].flat(2).filter((cell) => !cell?.leaf.rule.needsVerdicts));
        if (deferred[gi].length > 0) {
          for (const cell of deferred[gi]) cell.sample.verdicts = verdictsOf(rulesPerGroup[gi], cellsOf[gi][cell.completionIndex!]);
          submitter.submit(deferred[gi]);
          await allDone(deferred[gi]);
        }
        const completions = texts[gi].map((text, ci) => withinBudget(reportCompletion(rulesPerGroup[gi], cellsOf[gi][ci], text)));
        if (streamable) {
          groups[gi] = groupReport(gi, completions, advantagesOf([completions], [gi])[0]);
          options.onGroup?.(gi, groups[gi]);
        }
        return completions;
      }),
    );
    if (!streamable) {
      const all = advantagesOf(completionReports, completionReports.map((_, gi) => gi));
      completionReports.forEach((completions, gi) => {
        groups[gi] = groupReport(gi, completions, all[gi]);
        options.onGroup?.(gi, groups[gi]);
      });
    }
    const cells = body.groups.reduce((n, g, gi) => n + g.completions.length * rulesPerGroup[gi].length, 0);
    return {
      groups,
      rules: summarizeRules(groups),
      timing: { total_ms: performance.now() - started, cells, unique_cells: unique.length + deferred.flat().length },
    };
  };
  return finish();
}

function checkLimits(body: ScoreRequest, rulesPerGroup: PlannedRule[][], config: Config): void {
  const completions = body.groups.reduce((n, g) => n + g.completions.length, 0);
  if (completions > config.maxCompletions) throw new TooManyCompletions(completions, config.maxCompletions);
  // A cell per leaf: a composite runs each of its built-in rules on every completion.
  const cells = body.groups.reduce((n, g, gi) => n + g.completions.length * rulesPerGroup[gi].reduce((m, p) => m + p.bound.leaves.length, 0), 0);
  if (cells > config.maxCells) throw new TooManyCells(cells, config.maxCells);
}

function buildSample(
  group: GroupInput,
  text: CompletionText,
  withGroup: boolean,
  groupTexts: string[],
  groupInputs: CompletionText[],
  index: number,
): Sample {
  const sample: Sample = { completion: text.text };
  if (group.prompt !== undefined) sample.prompt = group.prompt;
  if (group.reference !== undefined) sample.reference = group.reference;
  if (group.metadata !== undefined) sample.metadata = group.metadata;
  if (text.completion_ids) sample.completion_ids = text.completion_ids;
  if (text.num_tokens !== undefined) sample.num_tokens = text.num_tokens;
  if (withGroup) {
    sample.group = {
      completions: groupTexts,
      index,
      num_tokens: groupInputs.map((t) => t.num_tokens ?? t.completion_ids?.length ?? null),
    };
  }
  return sample;
}

/** Sends cells to their pool (sandbox rules to the sandbox), answering from the cache where it can. */
function createSubmitter(deps: ScoringDeps, signal?: AbortSignal) {
  const poolOf = (cell: Cell) => (cell.leaf.rule.executor === 'sandbox' ? deps.pools.sandbox : deps.pools.score);
  // The request's deadline_ms ends the request through `signal` (unfinished cells answer null / timeout);
  // it does not shorten the kill deadline, so a client cannot force worker restarts with a tiny deadline.
  const timeoutOf = (leaf: Leaf) => Math.min(leaf.rule.timeoutMs ?? deps.config.cellTimeoutMs, deps.config.maxCellTimeoutMs);
  return {
    /** Refuses the whole request up front when a pool's queue cannot take its cells. */
    admit(cells: Cell[]) {
      const counts = new Map<Pool, number>();
      for (const cell of cells) counts.set(poolOf(cell), (counts.get(poolOf(cell)) ?? 0) + 1);
      for (const [pool, n] of counts) if (!pool.canAccept(n)) throw new Overloaded(pool.stats().queued);
    },
    submit(cells: Cell[]) {
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
