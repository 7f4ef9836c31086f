/** Per-rule counts over the batch: scored, skipped (the rule could not judge) and failed (timeout, crash). */
import { failureReasons } from '../../rewards/reasons.ts';
import type { GroupReport, RuleSummary } from './types.ts';

export function isFailure(reason: string | undefined): boolean {
  return reason !== undefined && failureReasons.has(reason);
}

export function summarizeRules(groups: readonly GroupReport[]): Record<string, RuleSummary> {
  const totals = new Map<string, RuleSummary & { sum: number }>();
  for (const group of groups) {
    for (const completion of group.completions) {
      for (const [label, cell] of Object.entries(completion.rewards)) {
        let t = totals.get(label);
        if (!t) totals.set(label, (t = { mean: null, scored: 0, skipped: 0, failed: 0, sum: 0 }));
        if (cell.score !== null) {
          t.scored++;
          t.sum += cell.score;
        } else if (isFailure(cell.reason)) t.failed++;
        else t.skipped++;
      }
    }
  }
  const rules: Record<string, RuleSummary> = {};
  for (const [label, { sum, ...t }] of totals) rules[label] = { ...t, mean: t.scored ? sum / t.scored : null };
  return rules;
}
