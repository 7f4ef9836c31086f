/**
 * Resolves the rule names a request uses (`id` or `id@version`) into bound
 * rules: the built-in rules to run per completion, with validated params,
 * and how to combine their results into the named rule's result.
 */
import type { RewardDefinition, ScoreResult } from '../../rewards/types.ts';
import { InvalidParams, UnknownReward, withDetails } from '../errors.ts';
import { createParamsValidator, type ParamsValidator } from './params-validator.ts';

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

/** A source of rules beyond the built-ins (registered rules); consulted for ids the built-ins lack. */
export interface RuleSource {
  /** Binds `id` (latest or pinned `version`) with request params, or returns undefined if unknown. */
  bind(id: string, version: number | undefined, params: unknown, pointer: string, builtins: Registry): BoundRule | undefined;
  list(options: { includeDeprecated: boolean }): RuleInfo[];
  get(id: string): RuleInfo | undefined;
}

export interface Registry {
  bind(ref: string, params: unknown, pointer: string): BoundRule;
  /** Binds a built-in only (used by registered rules built on built-ins). */
  bindBuiltin(id: string, params: unknown, pointer: string): BoundRule | undefined;
  list(options?: { includeDeprecated?: boolean }): RuleInfo[];
  get(id: string): RuleInfo | undefined;
  builtinIds(): string[];
  isBuiltin(id: string): boolean;
  validator: ParamsValidator;
}

const passThrough = (results: ScoreResult[]): ScoreResult => results[0];

export function builtinInfo(rule: RewardDefinition, sandbox?: RuleInfo['sandbox']): RuleInfo {
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
    validator,
    bindBuiltin(id, params, pointer) {
      const rule = byId.get(id);
      if (!rule) return undefined;
      const checked = validator.check(rule.paramsSchema, params, pointer);
      if ('errors' in checked) {
        const first = checked.errors[0];
        throw withDetails(new InvalidParams(id, `${first.pointer} ${first.message}`), checked.errors);
      }
      return { id: rule.id, version: rule.version, leaves: [{ rule, params: checked.params }], combine: passThrough };
    },
    bind(ref, params, pointer) {
      const { id, version } = parseRef(ref);
      const builtin = byId.get(id);
      const paramsPointer = pointer.replace(/\/id$/, '/params');
      if (builtin && (version === undefined || version === builtin.version)) {
        return registry.bindBuiltin(id, params, paramsPointer)!;
      }
      const bound = builtin ? undefined : source?.bind(id, version, params, paramsPointer, registry);
      if (bound) return bound;
      const known = registry
        .list()
        .map((r) => r.id)
        .join(', ');
      const what = builtin ? `version ${version} of "${id}" (built-in rules have only version ${builtin.version})` : `"${ref}"`;
      throw withDetails(new UnknownReward(`${what} at ${pointer}; known: ${known}`), [
        { pointer, message: `unknown reward ${JSON.stringify(ref)}`, known: registry.list().map((r) => r.id) },
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
