/** Every shared schema, registered once with fastify (validation) and shown as an OpenAPI component (docs). */
import { completionSchema, messageSchema } from './completion.ts';
import { errorSchema } from './error.ts';
import { rewardInfoSchema, rewardListSchema } from './reward-info.ts';
import { rewardSpecSchema } from './reward-spec.ts';
import { groupSchema, scoreRequestSchema } from './score-request.ts';
import { cellResultSchema, scoreResponseSchema } from './score-response.ts';

export const sharedSchemas = [
  errorSchema,
  messageSchema,
  completionSchema,
  rewardSpecSchema,
  groupSchema,
  scoreRequestSchema,
  cellResultSchema,
  scoreResponseSchema,
  rewardInfoSchema,
  rewardListSchema,
] as const;
