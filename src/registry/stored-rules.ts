/**
 * The registered rules as the registry sees them: an in-memory copy of the
 * store (binding is synchronous and per request), refreshed when another
 * process changes the store. Implements `RuleSource`: `id` binds the latest
 * version, `id@n` a pinned one; a deprecated rule binds only when pinned.
 */
import { describeWhere, InvalidParams, InvalidRule, RewardDeprecated, withDetails, type Where } from '../errors.ts';
import type { RuleStore, StoredRule } from '../storage/rule-store.ts';
import { bindDefinition, type BindLimits, type BoundDefinition } from './bind-definition.ts';
import { parseRef, type Registry, type RuleInfo, type RuleSource } from './registry.ts';
import { noParamsSchema, toRewardExamples, type RuleDefinition } from './rule-definition.ts';

/** Re-sync retries after a failed refresh, in ms. */
const RESYNC_FIRST_MS = 500;
const RESYNC_MAX_MS = 30_000;

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

export async function createStoredRules(store: RuleStore, logger: StoredRulesLogger, limits: BindLimits): Promise<StoredRules> {
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

  /**
   * How a version is shown. The listing (`full` false) leaves out examples and the definition, so its size
   * does not grow with what was registered; GET /v1/rewards/{id} shows them. Nothing stored can make this
   * throw: a field of the wrong shape is shown as its default.
   */
  const info = (rule: StoredRule, all: readonly StoredRule[], full: boolean): RuleInfo & Record<string, unknown> => {
    const def = rule.definition as Partial<RuleDefinition>;
    const range = Array.isArray(def.range) && def.range.length === 2 && def.range.every(Number.isFinite) ? def.range : [0, 1];
    const shown: RuleInfo & Record<string, unknown> = {
      id: rule.id,
      version: rule.version,
      kind: rule.kind,
      description: typeof def.description === 'string' ? def.description : `${rule.kind} rule`,
      params_schema: noParamsSchema,
      range: range as [number, number], // registration stores the range of every kind
      deprecated: rule.deprecated,
      hash: rule.hash,
      created_at: rule.createdAt,
      versions: all.map((v) => v.version), // `all` is find()'s: purged versions left out
    };
    if (rule.unreadable) shown.unreadable = rule.unreadable;
    if (full) {
      shown.examples = Array.isArray(def.examples) ? toRewardExamples(def.examples.filter((e) => e !== null && typeof e === 'object')) : [];
      shown.definition = rule.definition;
    }
    return shown;
  };
  /** Purged versions stay in `byId` (their numbers are taken) but are never shown or bound. */
  const find = (ref: string) => {
    const { id, version } = parseRef(ref);
    const all = byId.get(id)?.filter((v) => !v.purged);
    if (!all?.length) return undefined;
    return { all, rule: version === undefined ? all[all.length - 1] : all.find((v) => v.version === version) };
  };

  /** A stored version that no longer binds (a lowered limit, a built-in's changed params) is the request's 400, at its id. */
  const bindStored = (rule: StoredRule, registry: Registry, at: Where): BoundDefinition => {
    try {
      if (rule.unreadable) throw withDetails(new InvalidRule(rule.unreadable), [{ pointer: '', message: rule.unreadable }]);
      return bindDefinition(rule.id, rule.version, rule.definition as unknown as RuleDefinition, registry, limits);
    } catch (error) {
      const details = (error as { details?: Array<{ pointer: string; message: string }> }).details;
      if (!details) throw error;
      const message = `stored rule ${rule.id}@${rule.version} does not bind: ${(error as Error).message}`;
      throw Object.assign(error as Error, { message, details: [{ ...at, message }] });
    }
  };

  const source: RuleSource = {
    bind(id, version, params, at, registry) {
      const rule = find(version === undefined ? id : `${id}@${version}`)?.rule;
      if (!rule) return undefined;
      if (version === undefined && rule.deprecated) throw withDetails(new RewardDeprecated(JSON.stringify(id), id), [{ ...at.id, message: 'deprecated' }]);
      if (params !== undefined && (typeof params !== 'object' || params === null || Object.keys(params).length > 0)) {
        const message = 'registered rules take no params (they are fixed at registration; register a new version to change them)';
        throw withDetails(new InvalidParams(`${id}@${rule.version}`, `${describeWhere(at.params)} ${message}`), [{ ...at.params, message }]);
      }
      const key = `${rule.id}@${rule.version}`;
      let result = bound.get(key);
      if (!result) bound.set(key, (result = bindStored(rule, registry, at.id)));
      return result;
    },
    list({ includeDeprecated }) {
      return [...byId.keys()].flatMap((id) => {
        const found = find(id);
        return found?.rule && (includeDeprecated || !found.rule.deprecated) ? [info(found.rule, found.all, false)] : [];
      });
    },
    get(ref) {
      const found = find(ref);
      return found?.rule ? info(found.rule, found.all, true) : undefined;
    },
  };

  await refresh();
  // A refresh that fails (the store is down) is retried as a full re-sync with backoff, so no change is missed.
  let resync: NodeJS.Timeout | undefined;
  let waitMs = RESYNC_FIRST_MS;
  const onChange = (id: string | undefined) => {
    refresh(id).then(
      () => {
        if (id === undefined) waitMs = RESYNC_FIRST_MS;
      },
      (error: Error) => {
        logger.warn({ err: error, id }, 'could not refresh registered rules; retrying');
        if (resync) return;
        resync = setTimeout(() => {
          resync = undefined;
          onChange(undefined);
        }, waitMs);
        resync.unref();
        waitMs = Math.min(RESYNC_MAX_MS, waitMs * 2);
      },
    );
  };
  store.watch(onChange);

  return {
    source,
    store,
    versions: (id) => byId.get(id) ?? [],
    apply(rule) {
      const versions = (byId.get(rule.id) ?? []).filter((v) => v.version !== rule.version);
      put(
        rule.id,
        [...versions, rule].sort((a, b) => a.version - b.version),
      );
    },
    refresh,
    close: () => {
      clearTimeout(resync);
      return store.close();
    },
  };
}
