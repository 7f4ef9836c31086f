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
 * Two params make it a trainer's exact-match scorer: `extract` compares only
 * what a pattern captures (verl's gsm8k: the last "#### n"), `normalize:
 * 'squad'` compares as QA benchmarks do (search-R1); both run here, in the
 * scoring pool, with RE2 patterns.
 */
import { lastCapture, type CaptureOptions } from './lib/text/last-capture.ts';
import { referenceStringProblem, referenceStringShapes, referenceStrings, scopedText, scopeParam, type Scope } from './lib/text/scoped-text.ts';
import { squadNormalize } from './lib/text/squad-normalize.ts';
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
    extract: {
      type: 'object',
      additionalProperties: false,
      required: ['pattern'],
      description:
        'Compare only what a pattern captures in the scope\'s text: the first group of its last match (verl\'s gsm8k: the last "#### n"); no match scores 0 (no_answer)',
      properties: {
        pattern: {
          type: 'string',
          minLength: 1,
          maxLength: 1000,
          description: 'RE2 syntax (no backreferences or lookaround); the first capture group, else the whole match',
        },
        flags: { type: 'string', pattern: '^[ims]*$', default: '', description: 'i: ignore case, m: ^ and $ at line ends, s: . matches newlines' },
        last_chars: {
          type: 'integer',
          minimum: 1,
          maximum: 1_000_000,
          description: "Search only the text's last this many characters (verl's gsm8k reads the last 300)",
        },
        remove: { type: 'string', maxLength: 100, default: '', description: 'Characters deleted from the captured text (verl\'s gsm8k deletes "," and "$")' },
      },
    },
    normalize: {
      enum: ['none', 'squad'],
      default: 'none',
      description:
        "'squad': compare the input and each reference as SQuAD's normalize_answer leaves them (lower case; ASCII punctuation and the articles a, an, the removed; whitespace collapsed), as search-R1's exact match does",
    },
  },
} as const;

interface Params {
  operation: 'eq' | 'ne' | 'like' | 'ilike';
  scope: Scope;
  trim: boolean;
  reference?: string;
  extract?: CaptureOptions;
  normalize: 'none' | 'squad';
}

/** `ne` is `eq` negated over all references. */
const MATCHES: Record<Exclude<Params['operation'], 'ne'>, (input: string, reference: string) => boolean> = {
  eq: (input, reference) => input === reference,
  like: (input, reference) => input.includes(reference),
  ilike: (input, reference) => input.toLowerCase().includes(reference.toLowerCase()),
};

export const reward = defineReward<Params>({
  id: 'string-check',
  version: 3,
  description:
    "OpenAI's string_check grader: eq, ne, like (contains), ilike (contains, ignoring case); 1 or 0. Optionally on what a pattern captures (the last match), SQuAD-normalised: a trainer's exact match.",
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
    {
      name: 'verl\'s gsm8k: the last "#### n", commas removed, equal as text',
      sample: { completion: 'First #### 12, then 48 + 24 = 72 and 1000 + 200:\n#### 1,200', reference: '1200' },
      params: { scope: 'verbatim', extract: { pattern: String.raw`#### (\-?[0-9\.\,]+)`, last_chars: 300, remove: ',$' } },
      expected: 1,
    },
    {
      name: 'an answer the pattern does not find scores 0',
      sample: { completion: 'So the answer is \\boxed{72}.', reference: '72' },
      params: { scope: 'verbatim', extract: { pattern: String.raw`#### (\-?[0-9\.\,]+)` } },
      expected: 0,
      reason: 'no_answer',
    },
    {
      name: "search-R1's exact match: the last <answer>, SQuAD-normalised, equal to any reference",
      sample: { completion: '<answer>Lyon</answer> No: <answer> The  Paris! </answer>', reference: ['Paris, France', 'paris'] },
      params: { scope: 'verbatim', extract: { pattern: '<answer>(.*?)</answer>', flags: 's' }, normalize: 'squad' },
      expected: 1,
    },
  ],
  score(sample, params) {
    const references = referenceStrings(params.reference ?? sample.reference, params.scope);
    if (!references) return { score: null, reason: 'no_reference' };
    const trim = (s: string) => (params.trim && params.scope !== 'verbatim' ? s.trim() : s);
    const prepare = params.normalize === 'squad' ? (s: string) => squadNormalize(trim(s)) : trim;
    let text = scopedText(sample.completion, params.scope);
    if (params.extract) {
      let found;
      try {
        found = lastCapture(text, params.extract);
      } catch (error) {
        return { score: null, reason: 'invalid_pattern', details: { message: error instanceof Error ? error.message : String(error) } };
      }
      if (found === undefined) return { score: 0, reason: 'no_answer' };
      text = found;
    }
    const input = prepare(text);
    const matches = MATCHES[params.operation === 'ne' ? 'eq' : params.operation];
    const hit = references.some((reference) => matches(input, prepare(reference)));
    return { score: (params.operation === 'ne' ? !hit : hit) ? 1 : 0 };
  },
});
