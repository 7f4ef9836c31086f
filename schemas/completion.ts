/** A completion: plain text, an object with token info, or a conversation (the last assistant message is scored). */
export const messageSchema = {
  $id: 'Message',
  type: 'object',
  required: ['role', 'content'],
  properties: {
    role: { type: 'string' },
    content: { type: 'string' },
  },
} as const;

export const completionSchema = {
  $id: 'Completion',
  anyOf: [
    { type: 'string' },
    {
      type: 'object',
      required: ['content'],
      additionalProperties: false,
      properties: {
        content: { type: 'string' },
        completion_ids: { type: 'array', items: { type: 'integer' } },
        num_tokens: { type: 'integer', minimum: 0 },
      },
    },
    { type: 'array', minItems: 1, items: { $ref: 'Message#' } },
  ],
} as const;
