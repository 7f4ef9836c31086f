/**
 * 1 when a user-supplied regular expression matches the answer (anywhere,
 * or the whole of it with `full_match`), else 0. Patterns run on re2js (RE2
 * syntax, linear time: no backreferences or lookaround), so no pattern can
 * stall a worker; on top of that the pattern is capped at 1,000 characters
 * and the input at `max_input_chars`, and the cell deadline still applies.
 * The pattern comes from `pattern`, else from the group's `reference`. The
 * input is normalised (lib/text/normalize.ts: NFKC, invisible characters
 * removed) unless `scope: 'verbatim'`. An unanchored pattern matches
 * anywhere, so a completion listing every option matches it: anchor it or
 * set `full_match`.
 */
import { compilePattern } from './lib/text/regex-cache.ts';
import { scopedText, scopeParam, type Scope } from './lib/text/scoped-text.ts';
import { defineReward } from './types.ts';

const paramsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    pattern: { type: 'string', minLength: 1, maxLength: 1000, description: "RE2 syntax; else the group's reference is the pattern" },
    flags: { type: 'string', pattern: '^[ims]*$', default: '', description: 'i: ignore case, m: ^ and $ at line ends, s: . matches newlines' },
    full_match: {
      type: 'boolean',
      default: false,
      description:
        'The pattern must match the whole input. Off, an unanchored pattern matches anywhere, so an answer listing every option passes: anchor it (^...$) or set this',
    },
    scope: scopeParam,
    max_input_chars: { type: 'integer', minimum: 1, maximum: 1_000_000, default: 100_000, description: 'Longer inputs are not scored' },
  },
} as const;

interface Params {
  pattern?: string;
  flags: string;
  full_match: boolean;
  scope: Scope;
  max_input_chars: number;
}

const MAX_PATTERN_CHARS = 1000;

export const reward = defineReward<Params>({
  id: 'regex-match',
  version: 2,
  description: 'A regular expression (RE2 syntax, linear time) matches the answer: 1 or 0.',
  paramsSchema,
  range: [0, 1],
  reference: {
    shapes: 'a regular expression (RE2 syntax) as a string, unless params.pattern is set',
    required: (params) => params.pattern === undefined,
    check: (reference) => (typeof reference === 'string' && reference !== '' ? undefined : 'the reference must be a non-empty string holding the pattern'),
  },
  examples: [
    {
      name: 'a date anywhere in the answer',
      sample: { completion: '<think>...</think> It was on 2024-03-01.' },
      params: { pattern: String.raw`\d{4}-\d{2}-\d{2}` },
      expected: 1,
    },
    {
      name: 'full_match needs the whole answer to match',
      sample: { completion: 'Answer: 42' },
      params: { pattern: String.raw`\d+`, full_match: true },
      expected: 0,
    },
    { name: 'the pattern from the reference, ignoring case', sample: { completion: 'YES', reference: '^(yes|no)$' }, params: { flags: 'i' }, expected: 1 },
    {
      name: 'a backreference is not RE2: not scored',
      sample: { completion: 'aa' },
      params: { pattern: String.raw`(a)\1` },
      expected: null,
      reason: 'invalid_pattern',
    },
    { name: 'no pattern at all: not scored', sample: { completion: 'x' }, expected: null, reason: 'no_pattern' },
  ],
  score(sample, params) {
    const pattern = params.pattern ?? (typeof sample.reference === 'string' ? sample.reference : undefined);
    if (!pattern) return { score: null, reason: 'no_pattern' };
    if (pattern.length > MAX_PATTERN_CHARS) return { score: null, reason: 'pattern_too_long', details: { max: MAX_PATTERN_CHARS } };
    const input = scopedText(sample.completion, params.scope);
    if (input.length > params.max_input_chars) return { score: null, reason: 'input_too_long', details: { chars: input.length, max: params.max_input_chars } };
    let regex;
    try {
      regex = compilePattern(pattern, params.flags);
    } catch (error) {
      return { score: null, reason: 'invalid_pattern', details: { message: error instanceof Error ? error.message : String(error) } };
    }
    const matched = params.full_match ? regex.matches(input) : regex.matcher(input).find();
    return { score: matched ? 1 : 0 };
  },
});
