/**
 * Resolves the rule names a request uses (`id` or `id@version`) into bound
 * rules: the built-in rules to run per completion, with validated params,
 * and how to combine their results into the named rule's result.
 */
import type { RewardDefinition, ScoreResult } from '../../rewards/types.ts';
import { describeWhere, InvalidParams, UnknownReward, withDetails, type Where } from '../errors.ts';
import { createParamsValidator } from './params-validator.ts';

export interface Leaf {
  rule: RewardDefinition;
  params: Record<string, unknown>;
}

/** A rule ready to score: which built-ins run, and how their results make its result. */
export interface BoundRule {
  id: string;
  version: number;
  leaves: Leaf[];
  /** Combines the leaves' results (same order); a single-leaf rule passes its result through. */
  combine(results: ScoreResult[]): ScoreResult;
  /** How deep composites nest in it (0 or absent: no composite). */
  depth?: number;
}

export interface RuleInfo {
  id: string;
  version: number;
  kind: string;
  description: string;
  params_schema: object;
  range: readonly [number, number];
  /** Absent from the listing for registered rules (GET /v1/rewards/{id} has them). */
  examples?: readonly object[];
  deprecated?: boolean;
  /** Rules that run code: the languages this server runs, and why any other is off. */
  sandbox?: { languages: string[]; unavailable: Record<string, string> };
}

/**
 * Where a rule spec came from in the request, for its errors: the spec (`entry`), its id and its params.
 * Most specs are objects in the body; on `/v1/rewards/{id}/try` the id is a path parameter, on
 * `/v1/openrlhf` a query parameter.
 */
export interface RuleAt {
  entry: Where;
  id: Where;
  params: Where;
}

/** The spec at `pointer` in the body (`/rewards/0`, `/rules/<name>`). */
export const ruleAt = (pointer: string): RuleAt => ({ entry: { pointer }, id: { pointer: `${pointer}/id` }, params: { pointer: `${pointer}/params` } });

/** A source of rules beyond the built-ins (registered rules); consulted for ids the built-ins lack. */
export interface RuleSource {
  /** Binds `id` (latest or pinned `version`) with request params, or returns undefined if unknown. */
  bind(id: string, version: number | undefined, params: unknown, at: RuleAt, builtins: Registry): BoundRule | undefined;
  list(options: { includeDeprecated: boolean }): RuleInfo[];
  get(id: string): RuleInfo | undefined;
}

export interface Registry {
  bind(ref: string, params: unknown, at: RuleAt): BoundRule;
  /** Binds a built-in only (used by registered rules built on built-ins); `at` is where its params are. */
  bindBuiltin(id: string, params: unknown, at: Where): BoundRule | undefined;
  list(options?: { includeDeprecated?: boolean }): RuleInfo[];
  get(id: string): RuleInfo | undefined;
  builtinIds(): string[];
  isBuiltin(id: string): boolean;
}

const passThrough = (results: ScoreResult[]): ScoreResult => results[0];

function builtinInfo(rule: RewardDefinition, sandbox?: RuleInfo['sandbox']): RuleInfo {
  const info: RuleInfo = {
    id: rule.id,
    version: rule.version,
    kind: 'builtin',
    description: rule.description,
    params_schema: rule.paramsSchema,
    range: rule.range,
    examples: rule.examples,
  };
  if (sandbox && rule.executor === 'sandbox') info.sandbox = sandbox;
  return info;
}

export function parseRef(ref: string): { id: string; version?: number } {
  const at = ref.lastIndexOf('@');
  if (at < 0) return { id: ref };
  return { id: ref.slice(0, at), version: Number(ref.slice(at + 1)) };
}

export function createRegistry(builtins: readonly RewardDefinition[], source?: RuleSource, sandbox?: RuleInfo['sandbox']): Registry {
  const validator = createParamsValidator();
  const byId = new Map<string, RewardDefinition>();
  for (const rule of builtins) {
    if (byId.has(rule.id)) throw new Error(`duplicate built-in rule id ${rule.id}`);
    validator.compile(rule.paramsSchema);
    byId.set(rule.id, rule);
  }

  const registry: Registry = {
    bindBuiltin(id, params, at) {
      const rule = byId.get(id);
      if (!rule) return undefined;
      const checked = validator.check(rule.paramsSchema, params, at.pointer);
      if ('errors' in checked) {
        const errors = at.in ? checked.errors.map((error) => ({ ...error, in: at.in })) : checked.errors;
        throw withDetails(new InvalidParams(id, `${describeWhere(errors[0])} ${errors[0].message}`), errors);
      }
      return { id: rule.id, version: rule.version, leaves: [{ rule, params: checked.params }], combine: passThrough };
    },
    bind(ref, params, at) {
      const { id, version } = parseRef(ref);
      const builtin = byId.get(id);
      if (builtin && (version === undefined || version === builtin.version)) {
        return registry.bindBuiltin(id, params, at.params)!;
      }
      const bound = builtin ? undefined : source?.bind(id, version, params, at, registry);
      if (bound) return bound;
      const known = registry
        .list()
        .map((r) => r.id)
        .join(', ');
      const what = builtin ? `version ${version} of "${id}" (built-in rules have only version ${builtin.version})` : `"${ref}"`;
      throw withDetails(new UnknownReward(`${what} at ${describeWhere(at.id)}; known: ${known}`), [
        { ...at.id, message: `unknown reward ${JSON.stringify(ref)}`, known: registry.list().map((r) => r.id) },
      ]);
    },
    list(options = {}) {
      const own = [...byId.values()].map((rule) => builtinInfo(rule, sandbox));
      const more = source?.list({ includeDeprecated: options.includeDeprecated ?? false }) ?? [];
      return [...own, ...more].sort((a, b) => a.id.localeCompare(b.id));
    },
    get(id) {
      const builtin = byId.get(id);
      return builtin ? builtinInfo(builtin, sandbox) : source?.get(id);
    },
    builtinIds: () => [...byId.keys()].sort(),
    isBuiltin: (id) => byId.has(id),
  };
  return registry;
}
