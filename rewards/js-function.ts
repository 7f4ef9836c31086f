/**
 * A user-written `score(sample)` in JavaScript, run in the code sandbox's
 * child processes (isolated-vm, time and memory limits), never in the
 * server or a scoring worker. Backs registered rules of kind `javascript`.
 * Only the sample goes in (completion, prompt, reference, metadata); what
 * comes out is JSON: a number, `{ score, details? }`, or null (= skip).
 */
import type { RewardContext, Sample, SandboxTestRun, ScoreResult } from './types.ts';
import { defineReward } from './types.ts';

const paramsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['source'],
  properties: {
    source: { type: 'string', minLength: 1, description: 'JavaScript defining `function score(sample)`' },
  },
} as const;

interface Params {
  source: string;
}

/** Bounds of a score a function may return; registered rules declare their own, narrower range. */
const RANGE = [-1e6, 1e6] as const;
/** Per-run limit inside the cell's deadline, leaving time to report a typed timeout, in ms. */
const MAX_RUN_MS = 2_000;
const REPORT_MARGIN_MS = 200;
const STDERR_BYTES = 500;

/** The user's return value (JSON text) as a result. */
function fromValue(text: string | undefined): ScoreResult {
  let value: unknown;
  try {
    value = text === undefined ? undefined : JSON.parse(text);
  } catch {
    return { score: null, reason: 'bad_return', details: { message: 'score() returned a value that is not JSON' } };
  }
  if (value === null || value === undefined) return { score: null, reason: 'skipped_by_rule' };
  const object = typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  const score = object ? object.score : value;
  const details = object && typeof object.details === 'object' && object.details !== null ? (object.details as Record<string, unknown>) : undefined;
  if (score === null && object) return details ? { score: null, reason: 'skipped_by_rule', details } : { score: null, reason: 'skipped_by_rule' };
  if (typeof score !== 'number' || !Number.isFinite(score)) {
    return { score: null, reason: 'bad_return', details: { message: 'score() must return a finite number, { score, details }, or null' } };
  }
  if (score < RANGE[0] || score > RANGE[1]) return { score: null, reason: 'out_of_range', details: { value: score } };
  return details ? { score, details } : { score };
}

function fromRun(run: SandboxTestRun | undefined): ScoreResult {
  if (!run) return { score: null, reason: 'sandbox_error', details: { message: 'the sandbox reported no run' } };
  if (run.status === 'ok') return fromValue(run.value);
  return { score: null, reason: run.status, details: { stderr: run.stderr.slice(0, STDERR_BYTES), ms: run.ms } };
}

export const reward = defineReward<Params>({
  id: 'js-function',
  version: 1,
  description:
    'Runs a JavaScript `score(sample)` in the code sandbox and returns its number (or `{ score, details }`); errors, timeouts and memory blow-ups are null with a reason, never 0.',
  paramsSchema,
  range: RANGE,
  executor: 'sandbox',
  timeoutMs: 5_000,
  examples: [
    {
      name: 'returns a number',
      sample: { completion: 'The answer is 42.', reference: 42 },
      params: { source: 'function score(s) { return s.completion.includes(String(s.reference)) ? 1 : 0; }' },
      expected: 1,
    },
    {
      name: 'returns { score, details }',
      sample: { completion: 'short' },
      params: { source: 'function score(s) { return { score: s.completion.length / 10, details: { chars: s.completion.length } }; }' },
      expected: 0.5,
    },
    {
      name: 'null means skip, not 0',
      sample: { completion: 'no reference here' },
      params: { source: 'function score(s) { return s.reference === undefined ? null : 1; }' },
      expected: null,
      reason: 'skipped_by_rule',
    },
    {
      name: 'a throwing function is null with runtime_error',
      sample: { completion: 'x' },
      params: { source: 'function score(s) { throw new Error("boom"); }' },
      expected: null,
      reason: 'runtime_error',
    },
  ],
  async score(sample: Sample, params: Params, ctx: RewardContext): Promise<ScoreResult> {
    if (!ctx.sandbox?.languages.includes('javascript')) return { score: null, reason: 'sandbox_unavailable' };
    const { completion, prompt, reference, metadata } = sample;
    const timeoutMs = Math.max(1, Math.min(MAX_RUN_MS, ctx.deadline - Date.now() - REPORT_MARGIN_MS));
    try {
      const result = await ctx.sandbox.run({
        language: 'javascript',
        source: params.source,
        mode: 'call',
        fnName: 'score',
        inputs: [JSON.stringify([{ completion, prompt, reference, metadata }])],
        timeoutMs,
        deadline: ctx.deadline,
      });
      return fromRun(result.tests[0]);
    } catch (error) {
      return { score: null, reason: 'sandbox_error', details: { message: error instanceof Error ? error.message : String(error) } };
    }
  },
});
