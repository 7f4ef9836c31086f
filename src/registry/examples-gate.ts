/**
 * The golden-examples gate: runs a candidate rule (bound in memory, not yet
 * stored) on its examples through the real pools, exactly as POST /v1/score
 * would, and says which examples disagree with their expected score.
 */
import { scoreBatch, type ScoringDeps } from '../scoring/score-batch.ts';
import type { BoundRule, Registry } from './registry.ts';
import type { RuleExampleInput } from './rule-definition.ts';

export interface ExampleOutcome {
  name: string;
  expected: number | null;
  score: number | null;
  reason?: string;
  details?: Record<string, unknown>;
  passed: boolean;
}

const defaultTolerance = 1e-6;

function passes(example: RuleExampleInput, score: number | null, reason: string | undefined): boolean {
  if (example.reason !== undefined && example.reason !== reason) return false;
  if (example.expected === null || score === null) return example.expected === score;
  return Math.abs(score - example.expected) <= (example.tolerance ?? defaultTolerance);
}

/** `signal` ends the run: examples not scored by then get null / timeout. */
export async function runExamples(
  candidate: BoundRule,
  examples: readonly RuleExampleInput[],
  deps: ScoringDeps,
  signal?: AbortSignal,
): Promise<ExampleOutcome[]> {
  const label = `${candidate.id}@${candidate.version}`;
  const registry: Registry = {
    ...deps.registry,
    bind: (ref, params, at) => (ref === label ? candidate : deps.registry.bind(ref, params, at)),
  };
  const response = await scoreBatch(
    {
      rewards: [{ id: label }],
      groups: examples.map((e) => ({ prompt: e.prompt, reference: e.reference, metadata: e.metadata, completions: [e.completion] })),
      advantages: { method: 'none' },
    },
    { ...deps, registry },
    { checkReferences: false, signal }, // an example may show the null a missing reference gets
  );
  return examples.map((example, i) => {
    const cell = response.groups[i].completions[0].rewards[label];
    const outcome: ExampleOutcome = {
      name: example.name ?? `example ${i + 1}`,
      expected: example.expected,
      score: cell.score,
      passed: passes(example, cell.score, cell.reason),
    };
    if (cell.reason !== undefined) outcome.reason = cell.reason;
    if (cell.details !== undefined) outcome.details = cell.details;
    return outcome;
  });
}
