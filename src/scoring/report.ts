/**
 * From cell outcomes to the response: each rule's result per completion, the
 * weighted reward, and the batch's warnings (rules that mostly could not score).
 */
import type { CellOutcome } from '../pool/protocol.ts';
import type { CompletionText } from './completion-text.ts';
import type { PlannedRule } from './plan-rules.ts';
import type { BatchWarning, CellReport, CompletionReport, GroupReport } from './types.ts';

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

export function reportCompletion(rules: readonly PlannedRule[], cells: readonly (ScoredCell | undefined)[][], text: CompletionText): CompletionReport {
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

/** Rules whose null share in the batch is above `percent`, with their most frequent reasons. */
export function nullShareWarnings(groups: readonly GroupReport[], percent: number): BatchWarning[] {
  const byRule = new Map<string, { cells: number; nulls: number; reasons: Map<string, number> }>();
  for (const group of groups) {
    for (const completion of group.completions) {
      for (const [rule, cell] of Object.entries(completion.rewards)) {
        let t = byRule.get(rule);
        if (!t) byRule.set(rule, (t = { cells: 0, nulls: 0, reasons: new Map() }));
        t.cells++;
        if (cell.score !== null) continue;
        t.nulls++;
        const reason = cell.reason ?? 'unknown';
        t.reasons.set(reason, (t.reasons.get(reason) ?? 0) + 1);
      }
    }
  }
  const warnings: BatchWarning[] = [];
  for (const [rule, t] of byRule) {
    if (t.nulls === 0 || t.nulls * 100 <= t.cells * percent) continue;
    const reasons = [...t.reasons]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([reason, count]) => ({ reason, count }));
    const listed = reasons.map((r) => `${r.reason} ${r.count}`).join(', ');
    const message = `${rule} could not score ${t.nulls} of ${t.cells} cells (${Math.round((t.nulls / t.cells) * 100)}%): ${listed}`;
    warnings.push({ code: 'null_share', rule, nulls: t.nulls, cells: t.cells, reasons, message });
  }
  return warnings;
}
