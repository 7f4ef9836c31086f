/**
 * Scores a batch: every (completion x rule) cell, each identical cell once,
 * in the worker pools; then rewards, per-rule summaries and advantages.
 * Rules that read other rules' verdicts run in a second phase.
 */
import type { Sample, ScoreResult } from '../../rewards/types.ts';
import type { Config } from '../config.ts';
import { Overloaded, TooManyCells, TooManyCompletions } from '../errors.ts';
import type { Pool } from '../pool/pool.ts';
import type { CellJob, CellOutcome } from '../pool/protocol.ts';
import type { Leaf, Registry } from '../registry/registry.ts';
import { computeAdvantages } from './advantages.ts';
import { completionText, type CompletionText } from './completion-text.ts';
import { planRules, type PlannedRule } from './plan-rules.ts';
import { summarizeRules } from './summarize.ts';
import type { CellReport, CompletionReport, GroupReport, ScoreRequest, ScoreResponse } from './types.ts';

export interface Pools {
  score: Pool;
  sandbox: Pool;
}

/** Outcomes remembered across requests, keyed by a cell's full identity (rule@version, params, inputs). */
export interface CellCache {
  get(key: string): CellOutcome | undefined;
  set(key: string, outcome: CellOutcome): void;
}

export interface ScoringDeps {
  registry: Registry;
  pools: Pools;
  config: Config;
  cache?: CellCache;
}

interface UniqueCell {
  key: string;
  leaf: Leaf;
  sample: Sample;
  outcome?: CellOutcome;
}

export async function scoreBatch(body: ScoreRequest, deps: ScoringDeps, signal?: AbortSignal): Promise<ScoreResponse> {
  const started = performance.now();
  const { config } = deps;
  const rulesPerGroup = planRules(body, deps.registry);

  const completions = body.groups.reduce((n, g) => n + g.completions.length, 0);
  if (completions > config.maxCompletions) throw new TooManyCompletions(completions, config.maxCompletions);
  const cellCount = body.groups.reduce((n, g, gi) => n + g.completions.length * rulesPerGroup[gi].length, 0);
  if (cellCount > config.maxCells) throw new TooManyCells(cellCount, config.maxCells);

  const texts = body.groups.map((g) => g.completions.map(completionText));
  const unique = new Map<string, UniqueCell>();
  const deferred: Array<UniqueCell & { at: [number, number] }> = [];
  // cellsOf[g][c][r] = the unique cells of rule r's leaves for completion c of group g
  const cellsOf = body.groups.map((group, gi) => {
    const groupKey = JSON.stringify([group.prompt, group.reference, group.metadata]);
    const groupTexts = texts[gi].map((t) => t.text);
    return texts[gi].map((text, ci) =>
      rulesPerGroup[gi].map((planned) =>
        planned.bound.leaves.map((leaf) => {
          if (text.error) return undefined;
          const sample = buildSample(body.groups[gi], text, leaf, groupTexts, texts[gi], ci);
          if (leaf.rule.needsVerdicts) {
            const cell = { key: '', leaf, sample, at: [gi, ci] as [number, number] };
            deferred.push(cell);
            return cell;
          }
          const key = cellKey(leaf, groupKey, text, leaf.rule.needsGroup ? groupTexts : undefined);
          let cell = unique.get(key);
          if (!cell) unique.set(key, (cell = { key, leaf, sample }));
          return cell;
        }),
      ),
    );
  });

  await runCells([...unique.values()], body, deps, signal);
  if (deferred.length > 0) {
    for (const cell of deferred) {
      const [gi, ci] = cell.at;
      cell.sample.verdicts = verdictsOf(rulesPerGroup[gi], cellsOf[gi][ci]);
    }
    await runCells(deferred, body, deps, signal);
  }

  const reports = body.groups.map((group, gi) => ({
    id: group.id ?? String(gi),
    completions: texts[gi].map((text, ci) => reportCompletion(rulesPerGroup[gi], cellsOf[gi][ci], text)),
  }));
  const method = body.advantages?.method ?? 'group';
  const epsilon = body.advantages?.epsilon ?? 1e-4;
  const advantages = computeAdvantages(
    reports.map((g, gi) => ({
      rewards: g.completions.map((c) => c.reward),
      perRule: g.completions.map((c) => rulesPerGroup[gi].map((p) => c.rewards[p.label].score)),
      weights: rulesPerGroup[gi].map((p) => p.weight),
    })),
    method,
    body.aggregation ?? 'sum_then_normalize',
    epsilon,
  );
  const groups: GroupReport[] = reports.map((g, gi) => ({
    ...g,
    advantages: advantages[gi].advantages,
    mean: advantages[gi].mean,
    std: advantages[gi].std,
    zero_std: advantages[gi].zeroStd,
  }));
  return {
    groups,
    rules: summarizeRules(groups),
    timing: { total_ms: performance.now() - started, cells: cellCount, unique_cells: unique.size + deferred.length },
  };
}

function buildSample(
  group: ScoreRequest['groups'][number],
  text: CompletionText,
  leaf: Leaf,
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
  if (leaf.rule.needsGroup) {
    sample.group = {
      completions: groupTexts,
      index,
      num_tokens: groupInputs.map((t) => t.num_tokens ?? t.completion_ids?.length ?? null),
    };
  }
  return sample;
}

/** Everything that can change a cell's score; identical keys are scored once. */
function cellKey(leaf: Leaf, groupKey: string, text: CompletionText, group: string[] | undefined): string {
  return JSON.stringify([
    leaf.rule.id,
    leaf.rule.version,
    leaf.params,
    groupKey,
    text.text,
    text.completion_ids ?? null,
    text.num_tokens ?? null,
    group ?? null,
  ]);
}

async function runCells(cells: UniqueCell[], body: ScoreRequest, deps: ScoringDeps, signal?: AbortSignal): Promise<void> {
  const todo = deps.cache ? cells.filter((cell) => !(cell.outcome = cell.key ? deps.cache!.get(cell.key) : undefined)) : cells;
  const byPool = new Map<Pool, UniqueCell[]>();
  for (const cell of todo) {
    const pool = cell.leaf.rule.executor === 'sandbox' ? deps.pools.sandbox : deps.pools.score;
    let list = byPool.get(pool);
    if (!list) byPool.set(pool, (list = []));
    list.push(cell);
  }
  for (const [pool, list] of byPool) {
    if (!pool.canAccept(list.length)) throw new Overloaded(pool.stats().queued);
  }
  const waits: Promise<void>[] = [];
  for (const [pool, list] of byPool) {
    const jobs: CellJob[] = list.map((cell) => ({
      ruleId: cell.leaf.rule.id,
      params: cell.leaf.params,
      sample: cell.sample,
      timeoutMs: cellTimeout(cell.leaf, body, deps.config),
    }));
    pool.submit(jobs, signal).forEach((promise, i) => {
      waits.push(
        promise.then((outcome) => {
          list[i].outcome = outcome;
          if (deps.cache && list[i].key && outcome.reason !== 'timeout' && !isTransient(outcome)) deps.cache.set(list[i].key, outcome);
        }),
      );
    });
  }
  await Promise.all(waits);
}

/** Failures of the machinery are not remembered: a retry may succeed. */
function isTransient(outcome: ScoreResult): boolean {
  return outcome.reason === 'error' || outcome.reason === 'sandbox_error';
}

function cellTimeout(leaf: Leaf, body: ScoreRequest, config: Config): number {
  const base = leaf.rule.timeoutMs ?? config.cellTimeoutMs;
  return Math.min(base, body.deadline_ms ?? Infinity, config.maxCellTimeoutMs);
}

function verdictsOf(rules: PlannedRule[], cells: (UniqueCell | undefined)[][]): Record<string, number | null> {
  const verdicts: Record<string, number | null> = {};
  rules.forEach((planned, r) => {
    if (planned.bound.leaves.some((leaf) => leaf.rule.needsVerdicts)) return;
    verdicts[planned.label] = combined(planned, cells[r]).score;
  });
  return verdicts;
}

function combined(planned: PlannedRule, cells: (UniqueCell | undefined)[]): CellReport {
  const outcomes = cells.map((cell) => cell?.outcome ?? { score: null, reason: 'no_completion', ms: 0 });
  const result = planned.bound.combine(outcomes);
  const report: CellReport = {
    score: result.score,
    ms: Math.round(outcomes.reduce((sum, o) => sum + o.ms, 0) * 1000) / 1000,
    version: `${planned.bound.id}@${planned.bound.version}`,
  };
  if (result.reason !== undefined) report.reason = result.reason;
  if (result.details !== undefined) report.details = result.details;
  return report;
}

function reportCompletion(rules: PlannedRule[], cells: (UniqueCell | undefined)[][], text: CompletionText): CompletionReport {
  const rewards: Record<string, CellReport> = {};
  let reward: number | null = null;
  rules.forEach((planned, r) => {
    const cell = combined(planned, cells[r]);
    rewards[planned.label] = cell;
    if (cell.score !== null) reward = (reward ?? 0) + planned.weight * cell.score;
  });
  const report: CompletionReport = { reward, rewards };
  if (text.error) report.error = text.error;
  return report;
}
