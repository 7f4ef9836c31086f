/** From the outcomes of a completion's cells to its report: each rule's result, and the weighted reward. */
import type { CellOutcome } from '../pool/protocol.ts';
import type { CompletionText } from './completion-text.ts';
import type { PlannedRule } from './plan-rules.ts';
import type { CellReport, CompletionReport } from './types.ts';

export interface ScoredCell {
  outcome?: CellOutcome;
}

const notRun: CellOutcome = { score: null, reason: 'no_completion', ms: 0 };

/** One rule's result for one completion: its leaves' outcomes combined, with `id@version`. */
export function ruleReport(planned: PlannedRule, cells: readonly (ScoredCell | undefined)[]): CellReport {
  const outcomes = cells.map((cell) => cell?.outcome ?? notRun);
  const result = planned.bound.combine(outcomes);
  const report: CellReport = {
    score: result.score,
    ms: Math.round(outcomes.reduce((sum, o) => sum + o.ms, 0) * 1000) / 1000,
    version: planned.version,
  };
  if (result.reason !== undefined) report.reason = result.reason;
  if (result.details !== undefined) report.details = result.details;
  return report;
}

/** The scores a verdict-reading rule sees: every other rule of the completion, by name. */
export function verdictsOf(rules: readonly PlannedRule[], cells: readonly (ScoredCell | undefined)[][]): Record<string, number | null> {
  const verdicts: Record<string, number | null> = {};
  rules.forEach((planned, r) => {
    if (planned.bound.leaves.some((leaf) => leaf.rule.needsVerdicts)) return;
    verdicts[planned.label] = ruleReport(planned, cells[r]).score;
  });
  return verdicts;
}

export function reportCompletion(
  rules: readonly PlannedRule[],
  cells: readonly (ScoredCell | undefined)[][],
  text: CompletionText,
): CompletionReport {
  const rewards: Record<string, CellReport> = {};
  let reward: number | null = null;
  rules.forEach((planned, r) => {
    const cell = ruleReport(planned, cells[r]);
    rewards[planned.label] = cell;
    if (cell.score !== null) reward = (reward ?? 0) + planned.weight * cell.score;
  });
  const report: CompletionReport = { reward, rewards };
  if (text.error) report.error = text.error;
  return report;
}
