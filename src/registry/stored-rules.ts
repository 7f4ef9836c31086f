/**
 * The registered rules as the registry sees them: an in-memory copy of the
 * store (binding is synchronous and per request), refreshed when another
 * process changes the store. Implements `RuleSource`: `id` binds the latest
 * version, `id@n` a pinned one; a deprecated rule binds only when pinned.
 */
import { InvalidParams, RewardDeprecated, withDetails } from '../errors.ts';
import type { RuleStore, StoredRule } from '../storage/rule-store.ts';
import { bindDefinition, type BoundDefinition } from './bind-definition.ts';
import { parseRef, type RuleInfo, type RuleSource } from './registry.ts';
import { noParamsSchema, toRewardExamples, type RuleDefinition } from './rule-definition.ts';

export interface StoredRules {
  source: RuleSource;
  store: RuleStore;
  /** Every version of `id`, oldest first (empty when unknown). */
  versions(id: string): readonly StoredRule[];
  /** Takes a version this process just wrote. */
  apply(rule: StoredRule): void;
  /** Re-reads `id` (or everything) from the store. */
  refresh(id?: string): Promise<void>;
  close(): Promise<void>;
}

export interface StoredRulesLogger {
  warn(obj: object, msg?: string): void;
}

export async function createStoredRules(store: RuleStore, logger: StoredRulesLogger): Promise<StoredRules> {
  const byId = new Map<string, StoredRule[]>();
  /** Versions are immutable and registered rules take no params: bind each once. */
  const bound = new Map<string, BoundDefinition>();

  const put = (id: string, versions: StoredRule[]) => {
    if (versions.length === 0) byId.delete(id);
    else byId.set(id, versions);
  };
  const refresh = async (id?: string) => {
    if (id !== undefined) return put(id, await store.versionsOf(id));
    const all = await store.loadAll();
    byId.clear();
    for (const rule of all) byId.set(rule.id, [...(byId.get(rule.id) ?? []), rule]);
  };

  const info = (rule: StoredRule, all: readonly StoredRule[]): RuleInfo & Record<string, unknown> => {
    const def = rule.definition as unknown as RuleDefinition;
    return {
      id: rule.id,
      version: rule.version,
      kind: rule.kind,
      description: def.description ?? `${rule.kind} rule`,
      params_schema: noParamsSchema,
      range: def.range ?? [0, 1], // registration stores the range of every kind
      examples: toRewardExamples(def.examples),
      deprecated: rule.deprecated,
      hash: rule.hash,
      created_at: rule.createdAt,
      versions: all.map((v) => v.version),
      definition: rule.definition,
    };
  };
  const find = (ref: string) => {
    const { id, version } = parseRef(ref);
    const all = byId.get(id);
    if (!all) return undefined;
    return { all, rule: version === undefined ? all[all.length - 1] : all.find((v) => v.version === version) };
  };

  const source: RuleSource = {
    bind(id, version, params, pointer, registry) {
      const all = byId.get(id);
      const rule = version === undefined ? all?.[all.length - 1] : all?.find((v) => v.version === version);
      if (!rule) return undefined;
      if (version === undefined && rule.deprecated) throw withDetails(new RewardDeprecated(JSON.stringify(id), id), [{ pointer: pointer.replace(/\/params$/, '/id'), message: 'deprecated' }]);
      if (params !== undefined && (typeof params !== 'object' || params === null || Object.keys(params).length > 0)) {
        const message = 'registered rules take no params (they are fixed at registration; register a new version to change them)';
        throw withDetails(new InvalidParams(`${id}@${rule.version}`, `${pointer} ${message}`), [{ pointer, message }]);
      }
      const key = `${rule.id}@${rule.version}`;
      let result = bound.get(key);
      if (!result) bound.set(key, (result = bindDefinition(rule.id, rule.version, rule.definition as unknown as RuleDefinition, registry)));
      return result;
    },
    list({ includeDeprecated }) {
      return [...byId.values()].map((all) => info(all[all.length - 1], all)).filter((rule) => includeDeprecated || !rule.deprecated);
    },
    get(ref) {
      const found = find(ref);
      return found?.rule ? info(found.rule, found.all) : undefined;
    },
  };

  await refresh();
  store.watch((id) => {
    refresh(id).catch((error: Error) => logger.warn({ err: error, id }, 'could not refresh registered rules'));
  });

  return {
    source,
    store,
    versions: (id) => byId.get(id) ?? [],
    apply(rule) {
      const versions = (byId.get(rule.id) ?? []).filter((v) => v.version !== rule.version);
      put(rule.id, [...versions, rule].sort((a, b) => a.version - b.version));
    },
    refresh,
    close: () => store.close(),
  };
}
