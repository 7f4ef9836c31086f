/** What a rule returned, made safe to report: a finite score within range, or null with a reason. */
import type { ScoreResult } from '../../rewards/types.ts';

export function checkResult(result: ScoreResult, range: readonly [number, number]): ScoreResult {
  if (result === null || typeof result !== 'object') {
    return { score: null, reason: 'error', details: { message: `rule returned ${String(result)}, not a result object` } };
  }
  const { score } = result;
  if (score === null) return result.reason ? result : { ...result, reason: 'skipped' };
  if (typeof score !== 'number' || !Number.isFinite(score)) {
    return { score: null, reason: 'error', details: { message: `rule returned a non-finite score (${String(score)})` } };
  }
  if (score < range[0] || score > range[1]) {
    return { score: null, reason: 'error', details: { message: `score ${score} outside the rule's range [${range[0]}, ${range[1]}]` } };
  }
  return result;
}
