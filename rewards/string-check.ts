/**
 * OpenAI's string_check grader (platform.openai.com/docs/guides/graders):
 *   eq: input equals the reference; ne: it does not;
 *   like: input contains the reference; ilike: the same, ignoring case.
 * 1 or 0. The input is the final answer (or the whole completion), trimmed
 * unless `trim: false`; several references: eq/like/ilike pass if any
 * matches, ne if none does.
 */
import { referenceStringProblem, referenceStringShapes, referenceStrings, scopedText, scopeParam, type Scope } from './lib/text/scoped-text.ts';
import { defineReward } from './types.ts';

const paramsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    operation: { enum: ['eq', 'ne', 'like', 'ilike'], default: 'eq', description: 'The comparison, as OpenAI defines it' },
    scope: scopeParam,
    trim: { type: 'boolean', default: true, description: 'Trim surrounding whitespace of the input and reference (the answer scope is always trimmed)' },
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
  version: 1,
  description: "OpenAI's string_check grader: eq, ne, like (contains), ilike (contains, ignoring case); 1 or 0.",
  paramsSchema,
  range: [0, 1],
  reference: { shapes: referenceStringShapes, required: (params) => params.reference === undefined, check: referenceStringProblem },
  examples: [
    { name: 'exact answer after the thinking', sample: { completion: '<think>capital of France</think>\nParis\n', reference: 'Paris' }, expected: 1 },
    { name: 'eq is case-sensitive', sample: { completion: 'paris', reference: 'Paris' }, expected: 0 },
    { name: 'ilike: contains, ignoring case', sample: { completion: 'It is PARIS.', reference: 'paris' }, params: { operation: 'ilike' }, expected: 1 },
    { name: 'ne with a fixed reference: refuses to answer', sample: { completion: 'I cannot help' }, params: { operation: 'ne', reference: 'I cannot help' }, expected: 0 },
    { name: 'no reference: not scored', sample: { completion: 'Paris' }, expected: null, reason: 'no_reference' },
  ],
  score(sample, params) {
    const references = referenceStrings(params.reference ?? sample.reference);
    if (!references) return { score: null, reason: 'no_reference' };
    const prepare = (s: string) => (params.trim ? s.trim() : s);
    const input = prepare(scopedText(sample.completion, params.scope));
    const matches = MATCHES[params.operation === 'ne' ? 'eq' : params.operation];
    const hit = references.some((reference) => matches(input, prepare(reference)));
    return { score: (params.operation === 'ne' ? !hit : hit) ? 1 : 0 };
  },
});
