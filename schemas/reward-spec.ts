/** One rule to apply, as a request names it: `id` or `id@version`, with weight and params. */
export const rewardSpecSchema = {
  $id: 'RewardSpec',
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: {
    id: {
      type: 'string',
      pattern: '^[a-z0-9][a-z0-9._-]{0,63}(@[0-9]{1,9})?$',
      description: 'Rule id, optionally pinned to a version: `math-answer` or `my-rule@2`',
    },
    name: {
      type: 'string',
      minLength: 1,
      maxLength: 64,
      pattern: '^(?!__proto__$)', // a result key of `__proto__` would vanish from the response object
      description: 'Key of this rule in the results (default: the id); needed to use one rule twice',
    },
    // Bounded so that a weighted sum of bounded scores stays finite (1e308 made rewards null).
    weight: { type: 'number', minimum: -1e6, maximum: 1e6, default: 1, description: 'Weight in the summed reward, within ±1e6' },
    params: { type: 'object', description: "The rule's params; see GET /v1/rewards/{id}" },
  },
  examples: [{ id: 'think-format', weight: 0.5, params: { prefilled_think: false } }],
} as const;
