/** What every rule registration has, whatever its kind: an id, a description, golden examples. */
export const ruleExampleSchema = {
  $id: 'RuleExample',
  type: 'object',
  required: ['completion', 'expected'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', maxLength: 200, description: 'Why this example scores what it does' },
    completion: { type: 'string' },
    prompt: { type: 'string' },
    reference: { description: 'What the rule checks against, as a scoring request would send it' },
    metadata: { type: 'object' },
    expected: { type: ['number', 'null'], description: 'The score the rule must give; null = the rule must skip' },
    reason: { type: 'string', description: 'When given, the reason code the result must carry' },
    tolerance: { type: 'number', minimum: 0, default: 1e-6, description: 'Largest accepted |score - expected|' },
  },
  examples: [{ name: 'well-formed', completion: '<think>4</think> 4', expected: 1 }],
} as const;

/** The id pattern of a registered rule: what RewardSpec accepts, without `@version`. */
const ruleIdSchema = {
  type: 'string',
  pattern: '^[a-z0-9][a-z0-9._-]{0,63}$',
  description: 'Rule id; registering an existing id creates its next version',
} as const;

export const ruleRangeSchema = {
  type: 'array',
  items: { type: 'number', minimum: -1e6, maximum: 1e6 }, // js-function's own bounds: sums of weighted scores stay finite
  minItems: 2,
  maxItems: 2,
  default: [0, 1],
  description: 'Inclusive bounds of a score; a result outside is null with reason `out_of_range` (never clamped)',
} as const;

/** The properties every kind shares, plus the kind's own. */
export function ruleProperties<K extends string, P extends object>(kind: K, own: P) {
  return {
    id: ruleIdSchema,
    kind: { type: 'string', const: kind },
    description: { type: 'string', maxLength: 2000 },
    examples: { type: 'array', minItems: 1, items: { $ref: 'RuleExample#' }, description: 'Run before the rule is stored; all must pass' },
    ...own,
  } as const;
}
