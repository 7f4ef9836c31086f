/**
 * Runs a compiled OpenAI grader on one sample through the scoring engine (one
 * group per member grader, so each gets its own reference) and answers in the
 * shape of OpenAI's `POST /fine_tuning/alpha/graders/run`.
 */
import type { ScoringDeps } from '../scoring/score-batch.ts';
import { scoreBatch } from '../scoring/score-batch.ts';
import type { GroupInput } from '../scoring/types.ts';
import { resolveReference, type CompiledGrader } from './openai-grader.ts';

export interface GraderRunResult {
  reward: number | null;
  metadata: {
    name: string;
    type: string;
    errors: Record<string, boolean>;
    execution_time: number;
    scores: Record<string, number | null>;
    reasons: Record<string, string>;
    token_usage: null;
    sampled_model_name: null;
  };
  sub_rewards: Record<string, number | null>;
  model_grader_token_usage_per_model: Record<string, never>;
}

/** `signal` ends the run: cells not scored by then answer null / timeout. */
export async function runGrader(grader: CompiledGrader, sample: string, item: unknown, scoring: ScoringDeps, signal?: AbortSignal): Promise<GraderRunResult> {
  const started = performance.now();
  const scores: Record<string, number | null> = {};
  const reasons: Record<string, string> = {};
  const errors = { formula_parse_error: false, invalid_variable_error: false, other_error: false };

  const runnable: Array<{ name: string; group: GroupInput }> = [];
  for (const leaf of grader.leaves) {
    const reference = resolveReference(leaf.reference, item, sample);
    if (reference.missing) {
      scores[leaf.name] = null;
      reasons[leaf.name] = `invalid_variable: ${reference.missing}`;
      errors.invalid_variable_error = true;
      continue;
    }
    const group: GroupInput = { id: leaf.name, completions: [sample], rewards: [{ id: leaf.rule, params: leaf.params }] };
    if (reference.value !== undefined) group.reference = reference.value;
    runnable.push({ name: leaf.name, group });
  }
  if (runnable.length > 0) {
    // A grader reports a missing reference its own way (invalid_variable_error), not as a 400.
    const result = await scoreBatch({ groups: runnable.map((r) => r.group), advantages: { method: 'none' } }, scoring, { checkReferences: false, signal });
    result.groups.forEach((group, i) => {
      const cell = Object.values(group.completions[0].rewards)[0];
      scores[runnable[i].name] = cell?.score ?? null;
      if (!cell || cell.score === null) {
        reasons[runnable[i].name] = cell?.reason ?? group.completions[0].error ?? 'error';
        errors.other_error = true;
      }
    });
  }

  let reward: number | null;
  if (!grader.formula) reward = scores[grader.leaves[0].name];
  else if (grader.formula.names.some((name) => scores[name] === null)) reward = null;
  else {
    const value = grader.formula.evaluate(scores as Record<string, number>);
    reward = Number.isFinite(value) ? value : null;
    if (reward === null) errors.formula_parse_error = true; // OpenAI's flag for a formula that yields no number
  }
  return {
    reward,
    metadata: {
      name: grader.name,
      type: grader.type,
      errors,
      execution_time: (performance.now() - started) / 1000,
      scores,
      reasons,
      token_usage: null,
      sampled_model_name: null,
    },
    sub_rewards: grader.formula ? scores : {},
    model_grader_token_usage_per_model: {},
  };
}
