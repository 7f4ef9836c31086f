/**
 * Where registered rules live: one interface, two backends (SQLite by
 * default, PostgreSQL for replicas). Versions are append-only; a write
 * resolves only once it is durable, so an acknowledged registration survives
 * a crash.
 */
import { RuleLimitReached } from '../errors.ts';

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
}

export interface NewRule {
  id: string;
  kind: string;
  definition: Record<string, unknown>;
  hash: string;
}

export interface AppendResult {
  rule: StoredRule;
  /** False when the latest version already had this content hash (a retried registration). */
  created: boolean;
}

export interface RuleStore {
  readonly backend: 'sqlite' | 'postgres';
  /** Every version of every rule, by id then version. */
  loadAll(): Promise<StoredRule[]>;
  versionsOf(id: string): Promise<StoredRule[]>;
  /** Appends version n+1 of `rule.id`; resolves after the commit is durable. */
  append(rule: NewRule, maxRules: number): Promise<AppendResult>;
  /** Marks every version of `id` deprecated; resolves to how many versions `id` has (0: unknown id). */
  deprecate(id: string): Promise<number>;
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
}

export function fromRow(row: RuleRow): StoredRule {
  return {
    id: row.id,
    version: Number(row.version),
    kind: row.kind,
    definition: JSON.parse(row.definition) as Record<string, unknown>,
    hash: row.hash,
    createdAt: new Date(row.created_at).toISOString(),
    deprecated: Boolean(row.deprecated),
  };
}

/**
 * The one decision both backends make inside their write transaction:
 * the same content as the latest version is a retry (no new version);
 * otherwise the next version, unless the store is full.
 */
export function nextVersion(latest: { version: number; hash: string } | undefined, hash: string, stored: number, maxRules: number): number | 'same' {
  if (latest && latest.hash === hash) return 'same';
  if (stored >= maxRules) throw new RuleLimitReached(stored, maxRules);
  return (latest?.version ?? 0) + 1;
}
