/**
 * Scores a batch in four steps: plan (rules, limits, references: every mistake
 * is an error before anything runs), build (the cells, each identical cell
 * once), run (in the worker pools) and report (rewards, per-rule summaries,
 * advantages, warnings). Each group finishes on its own (rules that read other
 * rules' verdicts run once the group's other cells are in), so groups can be
 * streamed as they end.
 */
import type { Leaf, Registry } from '../registry/registry.ts';
import { computeAdvantages, type GroupAdvantages } from './advantages.ts';
import { buildCells, type BatchCells, type Cell } from './build-cells.ts';
import { createDetailsBudget } from './cap-details.ts';
import { planBatch, type BatchPlan, type PlanOptions } from './plan-rules.ts';
import { nullShareWarnings, reportCompletion, verdictsOf } from './report.ts';
import { allDone, createCellRun, type CellRun, type RunDeps } from './run-cells.ts';
import { summarizeRules } from './summarize.ts';
import type { BatchWarning, CompletionReport, GroupReport, ScoreRequest, ScoreResponse } from './types.ts';

export type { Pools } from './run-cells.ts';

export interface ScoringDeps extends RunDeps {
  registry: Registry;
}

export interface ScoreOptions extends PlanOptions {
  /** Whole-request deadline: cells still unscored when it fires become null / timeout. */
  signal?: AbortSignal;
  /** Called with each group as soon as it is final (for streaming). */
  onGroup?: (index: number, group: GroupReport) => void;
  /** Where the batch's warnings are logged (the request's logger). */
  log?: { warn(fields: object, message: string): void };
  /**
   * Told of every warning the batch raises, by its rule's id: the /metrics counter, given by trainers'
   * routes only (/v1/score, /v1/openrlhf, jobs); examples, /try and graders show nulls on purpose.
   */
  onWarning?: (ruleId: string) => void;
}

/** Advantages that depend only on the group can be final before the batch is. */
const perGroupMethods = new Set(['group', 'none', 'rloo']);

/** startBatch whose planning errors (thrown synchronously there) reject the promise instead. */
export async function scoreBatch(body: ScoreRequest, deps: ScoringDeps, options: ScoreOptions = {}): Promise<ScoreResponse> {
  return startBatch(body, deps, options);
}

/**
 * Plans, builds and queues the batch synchronously (throwing catalog errors
 * for bad input before anything is sent), and returns the promise of its result.
 */
export function startBatch(body: ScoreRequest, deps: ScoringDeps, options: ScoreOptions = {}): Promise<ScoreResponse> {
  return prepareBatch(body, deps, options).launch();
}

/** A batch planned and built, nothing of it queued yet. */
interface PreparedBatch {
  /**
   * Queues the cells and returns the promise of the result. A pool's full queue throws QueueFull before
   * anything is queued, leaving the batch as it was: it can be launched again once there is room.
   */
  launch(): Promise<ScoreResponse>;
}

/** Plans and builds the batch synchronously, throwing catalog errors for bad input. */
export function prepareBatch(body: ScoreRequest, deps: ScoringDeps, options: ScoreOptions = {}): PreparedBatch {
  const started = performance.now();
  const plan = planBatch(body, deps.registry, deps.config, options);
  const cells = buildCells(plan, deps.cache !== undefined);
  // Every distinct cell of the batch, each queued once (the pools' queues are counted in these).
  const distinct = [...cells.unique, ...[...cells.awaitingBatch.values()].flat().map((w) => w.cell), ...cells.deferred.flat()];
  // The batch's time counts its planning once, not the wait between launches refused for a full queue.
  const preparedMs = performance.now() - started;
  return {
    launch() {
      const since = performance.now() - preparedMs;
      const run = createCellRun(deps, options.signal);
      run.admit(distinct);
      run.submit(cells.unique);
      const contextOf = batchContexts(plan);
      for (const [leaf, waiting] of cells.awaitingBatch) {
        void contextOf(leaf).then((context) => {
          for (const { cell, key } of waiting) {
            withBatchContext(cell, context);
            cell.key = key(context ? JSON.stringify(context) : '');
          }
          run.submit(waiting.map((w) => w.cell));
        });
      }
      return finishBatch(body, plan, cells, run, contextOf, deps, options, { started: since, distinct: distinct.length });
    },
  };
}

type BatchContext = Record<string, unknown> | undefined;
type ContextOf = (leaf: Leaf) => Promise<BatchContext>;

/** A cell's sample gets its rule's batch context; without one (it failed) the rule scores as if the request held one group. */
function withBatchContext(cell: Cell, context: BatchContext): void {
  if (context) cell.sample.batch = context;
}

/** Each rule leaf's batch context, computed once per request, where the request is scored. */
function batchContexts(plan: BatchPlan): ContextOf {
  const groups = plan.groups.map((g) => ({ prompt: g.prompt, metadata: g.input.metadata }));
  const contexts = new Map<Leaf, Promise<BatchContext>>();
  return (leaf) => {
    let context = contexts.get(leaf);
    // A failing batchContext leaves the cells without one (withBatchContext).
    if (!context) contexts.set(leaf, (context = leaf.rule.batchContext!(groups, leaf.params).catch(() => undefined)));
    return context;
  };
}

async function finishBatch(
  body: ScoreRequest,
  plan: BatchPlan,
  { deferred, cellsOf }: BatchCells,
  run: CellRun,
  contextOf: ContextOf,
  deps: ScoringDeps,
  options: ScoreOptions,
  /** When the batch started (its planning included), and how many distinct cells it has. */
  { started, distinct }: { started: number; distinct: number },
): Promise<ScoreResponse> {
  const method = body.advantages?.method ?? 'group';
  const aggregation = body.aggregation ?? 'sum_then_normalize';
  const epsilon = body.advantages?.epsilon ?? 1e-4;
  const streamable = aggregation === 'sum_then_normalize' && perGroupMethods.has(method);
  const advantagesOf = (reports: CompletionReport[][], gis: number[]) =>
    computeAdvantages(
      reports.map((completions, k) => {
        const rules = plan.groups[gis[k]].rules;
        return {
          rewards: completions.map((c) => c.reward),
          perRule: completions.map((c) => rules.map((p) => c.rewards[p.label].score)),
          weights: rules.map((p) => p.weight),
        };
      }),
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

  const budget = createDetailsBudget(deps.config.responseDetailsLimitBytes);
  const withinBudget = (report: CompletionReport): CompletionReport => {
    for (const cell of Object.values(report.rewards)) if (cell.details) cell.details = budget.take(cell.details);
    return report;
  };
  const groups: GroupReport[] = new Array(plan.groups.length);
  const completionReports = await Promise.all(
    plan.groups.map(async ({ rules, texts }, gi) => {
      // The verdict-reading cells are not sent yet: they wait on these.
      await allDone(cellsOf[gi].flat(2).filter((cell) => !cell?.leaf.rule.needsVerdicts));
      if (deferred[gi].length > 0) {
        for (const cell of deferred[gi]) {
          cell.sample.verdicts = verdictsOf(rules, cellsOf[gi][cell.completionIndex!]);
          if (cell.leaf.rule.batchContext) withBatchContext(cell, await contextOf(cell.leaf));
        }
        run.submit(deferred[gi]);
        await allDone(deferred[gi]);
      }
      const completions = texts.map((text, ci) => withinBudget(reportCompletion(rules, cellsOf[gi][ci], text)));
      if (streamable) {
        groups[gi] = groupReport(gi, completions, advantagesOf([completions], [gi])[0]);
        options.onGroup?.(gi, groups[gi]);
      }
      return completions;
    }),
  );
  if (!streamable) {
    const all = advantagesOf(
      completionReports,
      completionReports.map((_, gi) => gi),
    );
    completionReports.forEach((completions, gi) => {
      groups[gi] = groupReport(gi, completions, all[gi]);
      options.onGroup?.(gi, groups[gi]);
    });
  }
  const warnings = nullShareWarnings(groups, deps.config.nullWarnPercent);
  if (warnings.length > 0) reportWarnings(warnings, plan, options);
  return {
    groups,
    rules: summarizeRules(groups),
    warnings,
    timing: {
      total_ms: performance.now() - started,
      cells: plan.cells,
      unique_cells: distinct,
    },
  };
}

function reportWarnings(warnings: readonly BatchWarning[], plan: BatchPlan, options: ScoreOptions): void {
  const idOf = new Map<string, string>();
  for (const group of plan.groups) for (const planned of group.rules) idOf.set(planned.label, planned.bound.id);
  for (const warning of warnings) {
    const { rule, nulls, cells, reasons } = warning;
    options.log?.warn({ rule, nulls, cells, reasons }, 'a rule could not score more than NULL_WARN_PERCENT of its cells');
    options.onWarning?.(idOf.get(rule) ?? rule);
  }
}
