/**
 * Where registered rules live: one interface, two backends (SQLite by
 * default, PostgreSQL for replicas). Versions are append-only; a write
 * resolves only once it is durable, so an acknowledged registration survives
 * a crash.
 */
import { RuleInUse, RuleLimitReached } from '../errors.ts';

/** One immutable version of a registered rule. */
export interface StoredRule {
  id: string;
  version: number;
  kind: string;
  /** The normalized registration (kind-specific fields, description, examples). */
  definition: Record<string, unknown>;
  /** sha256 of the canonical JSON of `definition`. */
  hash: string;
  /** ISO 8601, UTC. */
  createdAt: string;
  deprecated: boolean;
  /** Removed by `DELETE ?purge=true`: the definition is gone, the version number stays taken. */
  purged: boolean;
  /** Set when the stored definition cannot be read (a corrupt row, a newer server's format): listed, never bound. */
  unreadable?: string;
}

interface NewRule {
  id: string;
  kind: string;
  definition: Record<string, unknown>;
  hash: string;
}

interface AppendResult {
  rule: StoredRule;
  /** False when the latest version already had this content hash (a retried registration). */
  created: boolean;
}

/** What the store may hold: versions (deprecated ones included: they still score when pinned) and their bytes. */
export interface StoreLimits {
  maxRules: number;
  maxStoreBytes: number;
}

export interface RuleStore {
  readonly backend: 'sqlite' | 'postgres';
  /** Every version of every rule, by id then version. */
  loadAll(): Promise<StoredRule[]>;
  versionsOf(id: string): Promise<StoredRule[]>;
  /** Appends version n+1 of `rule.id`; resolves after the commit is durable. */
  append(rule: NewRule, limits: StoreLimits): Promise<AppendResult>;
  /** Marks every version of `id` deprecated; resolves to how many versions `id` has (0: unknown id). */
  deprecate(id: string): Promise<number>;
  /**
   * Deprecates `id` and drops every version's definition (it no longer counts toward the limits);
   * refused with VERDICT_RULE_IN_USE while another stored rule pins one of them. Resolves like deprecate.
   */
  purge(id: string): Promise<number>;
  /** Called when another process changed rules: with the id, or undefined for "reload everything". */
  watch(listener: (id: string | undefined) => void): void;
  close(): Promise<void>;
}

/** A row as both backends return it. */
export interface RuleRow {
  id: string;
  version: number;
  kind: string;
  definition: string;
  hash: string;
  created_at: string | Date;
  deprecated: boolean | number;
  purged: boolean | number;
}

/** A row as the server uses it; a definition that does not parse is kept as unreadable, never thrown (one row must not stop a load). */
export function fromRow(row: RuleRow): StoredRule {
  const rule: StoredRule = {
    id: row.id,
    version: Number(row.version),
    kind: row.kind,
    definition: {},
    hash: row.hash,
    createdAt: new Date(row.created_at).toISOString(),
    deprecated: Boolean(row.deprecated),
    purged: Boolean(row.purged),
  };
  try {
    const definition: unknown = JSON.parse(row.definition);
    if (definition === null || typeof definition !== 'object' || Array.isArray(definition)) throw new Error('not a JSON object');
    rule.definition = definition as Record<string, unknown>;
  } catch (error) {
    rule.unreadable = `stored definition cannot be read: ${(error as Error).message}`;
  }
  return rule;
}

/** Usage of the store, as both backends count it inside their write transaction. */
export interface StoreUsage {
  rules: number;
  bytes: number;
}

/**
 * The one decision both backends make inside their write transaction:
 * the same content as the latest version is a retry (no new version);
 * otherwise the next version, unless the store is full.
 */
export function nextVersion(
  latest: { version: number; hash: string; deprecated: boolean | number } | undefined,
  rule: { hash: string; definition: string },
  usage: StoreUsage,
  limits: StoreLimits,
): number | 'same' {
  // Registering a deprecated rule's content again makes a new, live version (deprecation is never undone in place).
  if (latest && latest.hash === rule.hash && !latest.deprecated) return 'same';
  if (usage.rules >= limits.maxRules) throw new RuleLimitReached(`${usage.rules} rule versions`, limits.maxRules, 'MAX_RULES');
  const bytes = usage.bytes + Buffer.byteLength(rule.definition);
  if (bytes > limits.maxStoreBytes) throw new RuleLimitReached(`${usage.bytes} bytes of definitions`, limits.maxStoreBytes, 'MAX_RULE_STORE_BYTES');
  return (latest?.version ?? 0) + 1;
}

/** The sub-rule refs a stored composite definition names (none when it is not one, or cannot be read). */
function subRuleRefs(definition: string): string[] {
  try {
    const rules = (JSON.parse(definition) as { rules?: unknown }).rules;
    if (rules === null || typeof rules !== 'object') return [];
    return Object.values(rules).flatMap((sub) => (typeof (sub as { id?: unknown })?.id === 'string' ? [(sub as { id: string }).id] : []));
  } catch {
    return [];
  }
}

/** The stored versions of other ids that pin a version of `id` (a purge would break them). */
export function dependentsOf(id: string, rows: ReadonlyArray<Pick<RuleRow, 'id' | 'version' | 'definition'>>): string[] {
  return rows.filter((row) => row.id !== id && subRuleRefs(row.definition).some((ref) => ref.startsWith(`${id}@`))).map((row) => `${row.id}@${row.version}`);
}

export function refusePurge(id: string, dependents: readonly string[]): void {
  if (dependents.length > 0) throw new RuleInUse(JSON.stringify(id), dependents.join(', '));
}
