/** Every 4xx/5xx body. `details` lists what was wrong and where (JSON pointers into the request). */
export const errorSchema = {
  $id: 'Error',
  type: 'object',
  required: ['statusCode', 'code', 'error', 'message'],
  properties: {
    statusCode: { type: 'integer' },
    code: { type: 'string', description: 'Stable code from the error catalog, e.g. VERDICT_UNKNOWN_REWARD' },
    error: { type: 'string', description: 'HTTP reason phrase' },
    message: { type: 'string' },
    details: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          pointer: { type: 'string', description: 'JSON pointer into the request body' },
          message: { type: 'string' },
        },
        additionalProperties: true,
      },
    },
  },
  examples: [
    {
      statusCode: 400,
      code: 'VERDICT_UNKNOWN_REWARD',
      error: 'Bad Request',
      message: 'Unknown reward "mth-answer" at /rewards/0/id; known: math-answer, think-format',
      details: [{ pointer: '/rewards/0/id', message: 'unknown reward "mth-answer"' }],
    },
  ],
} as const;
