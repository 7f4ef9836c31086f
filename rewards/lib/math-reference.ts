/**
 * The gold answer in a math reference, as datasets ship it. The text goes to
 * the math engine, which finds the final answer in a whole solution itself
 * (GSM8K's `#### 72`, MATH's last `\boxed{}`); this module only resolves the
 * shape of the row:
 * - a string or a number: the gold answer, or a whole solution;
 * - `{ answer }`: DeepScaleR, NuminaMath-1.5, a GSM8K row (`answer` holds the solution ending in `#### 72`);
 * - `{ solution }` without `answer`: MATH, NuminaMath-CoT;
 * - `{ ground_truth }`: verl's `reward_model` column.
 */

export type GoldAnswer = { gold: string } | { none: string } | { error: string };

type Row = Record<string, unknown>;

/** NuminaMath-1.5 marks problems that have no final answer to compare with. */
const NO_ANSWER = new Set(['proof', 'notfound']);

const FIELDS = ['answer', 'solution', 'ground_truth'] as const;

export const mathReferenceShapes =
  'a string or number (the gold answer, or a whole solution: GSM8K "... #### 72", MATH "... \\boxed{5}"), or an object with `answer`, `solution` or `ground_truth` holding one';

export function goldAnswer(reference: unknown, depth = 0): GoldAnswer {
  if (typeof reference === 'string') {
    if (reference.trim() === '') return { error: 'the reference is an empty string' };
    return NO_ANSWER.has(reference.trim()) ? { none: reference.trim() } : { gold: reference };
  }
  if (typeof reference === 'number') return Number.isFinite(reference) ? { gold: String(reference) } : { error: `the reference is ${reference}` };
  if (Array.isArray(reference)) {
    return { error: `math-answer takes one gold answer; got a list of ${reference.length} (send the answer itself, e.g. "42")` };
  }
  if (reference === null || typeof reference !== 'object') return { error: `the reference is ${reference === null ? 'null' : typeof reference}` };
  const row = reference as Row;
  const field = FIELDS.find((f) => row[f] !== undefined && row[f] !== null);
  if (!field || depth > 0) {
    const keys = Object.keys(row).slice(0, 8).join(', ') || 'none';
    return { error: `a reference object needs \`answer\`, \`solution\` or \`ground_truth\` (keys found: ${keys})` };
  }
  const inner = goldAnswer(row[field], depth + 1);
  return 'error' in inner ? { error: `${field}: ${inner.error}` } : inner;
}
