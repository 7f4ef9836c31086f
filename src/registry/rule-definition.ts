/**
 * What a registration holds, as TypeScript sees it (the JSON Schemas in
 * schemas/rule-*.ts are the contract), and how a stored rule is shown by
 * GET /v1/rewards.
 */
import { createHash } from 'node:crypto';
import type { RewardExample } from '../../rewards/types.ts';
import { InvalidRule, withDetails } from '../errors.ts';

export type RuleKind = 'preset' | 'composite' | 'string-check' | 'regex' | 'text-similarity' | 'javascript';

export interface RuleExampleInput {
  name?: string;
  completion: string;
  prompt?: string;
  reference?: unknown;
  metadata?: Record<string, unknown>;
  expected: number | null;
  reason?: string;
  /** Largest accepted |score - expected|. */
  tolerance?: number;
}

export interface SubRule {
  id: string;
  params?: Record<string, unknown>;
}

/** A registration without its id: what is stored per version (sub-rule refs pinned). */
export interface RuleDefinition {
  kind: RuleKind;
  description?: string;
  range?: [number, number];
  examples: RuleExampleInput[];
  /** preset */
  rule?: string;
  params?: Record<string, unknown>;
  /** composite */
  rules?: Record<string, SubRule>;
  formula?: string;
  weights?: Record<string, number>;
  gates?: Record<string, { rule: string; min?: number }>;
  /** string-check, regex, text-similarity: OpenAI grader JSON as-is */
  grader?: Record<string, unknown>;
  /** javascript */
  source?: string;
}

export interface RuleRegistration extends RuleDefinition {
  id: string;
}

/** Registered rules take no params: they are fixed at registration. */
export const noParamsSchema = { type: 'object', properties: {}, additionalProperties: false } as const;

/** A registration problem at `pointer` (into the request body). */
export function invalidRule(pointer: string, message: string): Error {
  return withDetails(new InvalidRule(`${pointer || 'the body'} ${message}`), [{ pointer, message }]);
}

/** JSON with sorted keys, so equal content hashes equally whatever the key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function contentHash(definition: RuleDefinition): string {
  return `sha256:${createHash('sha256').update(canonical(definition)).digest('hex')}`;
}

/** Registration examples in the shape built-in rules show theirs. */
export function toRewardExamples(examples: readonly RuleExampleInput[]): RewardExample[] {
  return examples.map((example, i) => {
    const { name, completion, prompt, reference, metadata, expected, reason } = example;
    const shown: RewardExample = { name: name ?? `example ${i + 1}`, sample: { completion, prompt, reference, metadata }, expected };
    if (reason !== undefined) shown.reason = reason;
    return shown;
  });
}
