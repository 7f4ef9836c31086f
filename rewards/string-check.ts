/**
 * OpenAI's string_check grader (platform.openai.com/docs/guides/graders):
 *   eq: input equals the reference; ne: it does not;
 *   like: input contains the reference; ilike: the same, ignoring case.
 * 1 or 0. The input is the final answer (or the whole completion),
 * normalised and trimmed unless `trim: false`; with `scope: 'verbatim'` it
 * is the completion exactly as sent, as OpenAI reads it. Several
 * references: eq/like/ilike pass if any matches, ne if none does.
 * The operators keep OpenAI's semantics, hazards included: each is named
 * beside its operator in the params schema and in docs/text-rules.md.
 */
import { referenceStringProblem, referenceStringShapes, referenceStrings, scopedText, scopeParam, type Scope } from './lib/text/scoped-text.ts';
import { defineReward } from './types.ts';

const paramsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    operation: {
      enum: ['eq', 'ne', 'like', 'ilike'],
      default: 'eq',
      description:
        "As OpenAI defines it. 'eq': the input equals the reference (the safe choice, on the answer scope). " +
        "'ne': passes whatever is not the reference, so an empty or nonsense answer passes: pair it with a format rule. " +
        "'like': the input contains the reference, so a copy of the prompt, a list of every option or \"not Paris\" passes: prefer 'eq' on the answer scope, or regex-match with full_match. " +
        "'ilike': 'like' ignoring case, with the same hazards.",
    },
    scope: scopeParam,
    trim: {
      type: 'boolean',
      default: true,
      description: "Trim surrounding whitespace of the input and reference (the answer scope is always trimmed; 'verbatim' never is)",
    },
    reference: { type: 'string', description: "Compare with this instead of the group's reference" },
  },
} as const;

interface Params {
  operation: 'eq' | 'ne' | 'like' | 'ilike';
  scope: Scope;
  trim: boolean;
  reference?: string;
}

/** `ne` is `eq` negated over all references. */
const MATCHES: Record<Exclude<Params['operation'], 'ne'>, (input: string, reference: string) => boolean> = {
  eq: (input, reference) => input === reference,
  like: (input, reference) => input.includes(reference),
  ilike: (input, reference) => input.toLowerCase().includes(reference.toLowerCase()),
};

export const reward = defineReward<Params>({
  id: 'string-check',
  version: 2,
  description: "OpenAI's string_check grader: eq, ne, like (contains), ilike (contains, ignoring case); 1 or 0.",
  paramsSchema,
  range: [0, 1],
  reference: { shapes: referenceStringShapes, required: (params) => params.reference === undefined, check: referenceStringProblem },
  examples: [
    { name: 'exact answer after the thinking', sample: { completion: '<think>capital of France</think>\nParis\n', reference: 'Paris' }, expected: 1 },
    { name: 'eq is case-sensitive', sample: { completion: 'paris', reference: 'Paris' }, expected: 0 },
    { name: 'ilike: contains, ignoring case', sample: { completion: 'It is PARIS.', reference: 'paris' }, params: { operation: 'ilike' }, expected: 1 },
    {
      name: 'ne with a fixed reference: refuses to answer',
      sample: { completion: 'I cannot help' },
      params: { operation: 'ne', reference: 'I cannot help' },
      expected: 0,
    },
    {
      name: 'a zero-width space hides nothing from ne',
      sample: { completion: 'I cannot\u200b help' },
      params: { operation: 'ne', reference: 'I cannot help' },
      expected: 0,
    },
    {
      name: "verbatim: OpenAI's literal reading, nothing split off or trimmed",
      sample: { completion: '<think>x</think>\nParis', reference: 'Paris' },
      params: { scope: 'verbatim' },
      expected: 0,
    },
    { name: 'no reference: not scored', sample: { completion: 'Paris' }, expected: null, reason: 'no_reference' },
  ],
  score(sample, params) {
    const references = referenceStrings(params.reference ?? sample.reference, params.scope);
    if (!references) return { score: null, reason: 'no_reference' };
    const prepare = (s: string) => (params.trim && params.scope !== 'verbatim' ? s.trim() : s);
    const input = prepare(scopedText(sample.completion, params.scope));
    const matches = MATCHES[params.operation === 'ne' ? 'eq' : params.operation];
    const hit = references.some((reference) => matches(input, prepare(reference)));
    return { score: (params.operation === 'ne' ? !hit : hit) ? 1 : 0 };
  },
});
