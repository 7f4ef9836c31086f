/**
 * GRPO advantages as TRL's GRPOTrainer defines them (formulas in the README).
 * A completion whose reward is null (no rule could score it) is left out of
 * every mean and std and gets advantage 0: no gradient from what was not judged.
 */
import type { Aggregation, AdvantageMethod } from './types.ts';
import { isCloseToZero, mean, std } from './stats.ts';

export interface GroupScores {
  /** Weighted sum per completion; null when no rule scored it. */
  rewards: (number | null)[];
  /** Score per completion per rule (same rule order as `weights`). */
  perRule: (number | null)[][];
  weights: number[];
}

export interface GroupAdvantages {
  advantages: number[];
  mean: number | null;
  std: number | null;
  zeroStd: boolean;
}

const present = (values: readonly (number | null)[]) => values.filter((v): v is number => v !== null);

/** x / (spread + epsilon); a zero denominator (epsilon 0, all values equal) means x is 0 too, so 0. */
const scaled = (x: number, spread: number, epsilon: number) => (spread + epsilon === 0 ? 0 : x / (spread + epsilon));

export function computeAdvantages(groups: readonly GroupScores[], method: AdvantageMethod, aggregation: Aggregation, epsilon: number): GroupAdvantages[] {
  const summaries = groups.map((g) => {
    const scored = present(g.rewards);
    return scored.length === 0 ? { mean: null, std: null } : { mean: mean(scored), std: std(scored) };
  });
  if (aggregation === 'normalize_then_sum') return normalizeThenSum(groups, summaries, epsilon);

  const batchStd = std(groups.flatMap((g) => present(g.rewards)));
  return groups.map((g, gi) => {
    const { mean: m, std: s } = summaries[gi];
    const scale = method === 'group' ? (s ?? 0) : method === 'batch' ? batchStd : null;
    const scored = present(g.rewards);
    const sum = scored.reduce((a, b) => a + b, 0);
    const advantages = g.rewards.map((r) => {
      if (r === null || m === null) return 0;
      if (method === 'rloo') return scored.length < 2 ? 0 : r - (sum - r) / (scored.length - 1);
      const centered = r - m;
      return scale === null ? centered : scaled(centered, scale, epsilon);
    });
    const zeroStd = method === 'batch' ? isCloseToZero(batchStd) : isCloseToZero(s ?? 0);
    return { advantages, mean: m, std: s, zeroStd };
  });
}

/** TRL's `normalize_then_sum`: each rule normalised within its group, weighted sum, then normalised over the batch. */
function normalizeThenSum(groups: readonly GroupScores[], summaries: Array<{ mean: number | null; std: number | null }>, epsilon: number): GroupAdvantages[] {
  const summed = groups.map((g) => {
    const ruleCount = g.weights.length;
    const norms = Array.from({ length: ruleCount }, (_, k) => {
      const column = present(g.perRule.map((row) => row[k]));
      return column.length === 0 ? null : { mean: mean(column), std: std(column) };
    });
    return g.perRule.map((row, i) => {
      if (g.rewards[i] === null) return null;
      let total = 0;
      row.forEach((score, k) => {
        const norm = norms[k];
        if (score !== null && norm) total += g.weights[k] * scaled(score - norm.mean, norm.std, epsilon);
      });
      return total;
    });
  });
  const all = summed.flatMap(present);
  const batchMean = all.length ? mean(all) : 0;
  const batchStd = std(all);
  return groups.map((_, gi) => ({
    advantages: summed[gi].map((r) => (r === null ? 0 : scaled(r - batchMean, batchStd, epsilon))),
    mean: summaries[gi].mean,
    std: summaries[gi].std,
    zeroStd: isCloseToZero(batchStd),
  }));
}
