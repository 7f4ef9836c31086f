/** Every shared schema, registered once with fastify (validation) and shown as an OpenAPI component (docs). */
import { completionSchema, messageSchema } from './completion.ts';
import { errorSchema } from './error.ts';
import { graderRunRequestSchema, graderRunResponseSchema, graderValidateRequestSchema, graderValidateResponseSchema } from './graders.ts';
import { openRlhfRequestSchema, openRlhfResponseSchema } from './openrlhf.ts';
import { rewardInfoSchema, rewardListSchema } from './reward-info.ts';
import { rewardSpecSchema } from './reward-spec.ts';
import {
  ruleDeprecatedSchema,
  ruleRegisteredSchema,
  ruleRegistrationSchema,
  ruleTryRequestSchema,
  ruleTryResponseSchema,
  ruleValidationSchema,
} from './rule-admin.ts';
import { ruleExampleSchema } from './rule-common.ts';
import { ruleCompositeSchema } from './rule-composite.ts';
import { ruleJavascriptSchema } from './rule-javascript.ts';
import { rulePresetSchema } from './rule-preset.ts';
import { ruleRegexSchema } from './rule-regex.ts';
import { ruleStringCheckSchema } from './rule-string-check.ts';
import { ruleTextSimilaritySchema } from './rule-text-similarity.ts';
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
  // Registered rules: one schema per kind, then the admin requests and answers.
  ruleExampleSchema,
  rulePresetSchema,
  ruleCompositeSchema,
  ruleStringCheckSchema,
  ruleRegexSchema,
  ruleTextSimilaritySchema,
  ruleJavascriptSchema,
  ruleRegistrationSchema,
  ruleRegisteredSchema,
  ruleValidationSchema,
  ruleTryRequestSchema,
  ruleTryResponseSchema,
  ruleDeprecatedSchema,
  // Trainer and grader protocols (POST /v1/openrlhf, /v1/graders/*).
  openRlhfRequestSchema,
  openRlhfResponseSchema,
  graderRunRequestSchema,
  graderRunResponseSchema,
  graderValidateRequestSchema,
  graderValidateResponseSchema,
] as const;
