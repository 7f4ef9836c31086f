/**
 * The default rule store: one SQLite file under the data directory, opened as
 * open-sqlite.ts does (WAL, synchronous=FULL: every acknowledged write is on disk).
 * Other processes sharing the file are noticed through `PRAGMA data_version`.
 */
import { guarded, openSqlite } from './open-sqlite.ts';
import { dependentsOf, fromRow, nextVersion, refusePurge, type RuleRow, type RuleStore, type StoreUsage } from './rule-store.ts';

/** Applied in order; PRAGMA user_version records how many ran. */
const migrations = [
  `CREATE TABLE rule_versions (
     id TEXT NOT NULL,
     version INTEGER NOT NULL,
     kind TEXT NOT NULL,
     definition TEXT NOT NULL,
     hash TEXT NOT NULL,
     created_at TEXT NOT NULL,
     deprecated INTEGER NOT NULL DEFAULT 0,
     PRIMARY KEY (id, version)
   )`,
  'ALTER TABLE rule_versions ADD COLUMN purged INTEGER NOT NULL DEFAULT 0',
];

export interface SqliteStoreOptions {
  /** How often to look for commits by other processes, in ms. */
  watchIntervalMs?: number;
}

export function createSqliteStore(file: string, options: SqliteStoreOptions = {}): RuleStore {
  const db = openSqlite(file, migrations);

  const all = db.prepare<[], RuleRow>('SELECT * FROM rule_versions ORDER BY id, version');
  const ofId = db.prepare<[string], RuleRow>('SELECT * FROM rule_versions WHERE id = ? ORDER BY version');
  const latest = db.prepare<[string], RuleRow>('SELECT * FROM rule_versions WHERE id = ? ORDER BY version DESC LIMIT 1');
  // Bytes of the stored JSON (a cast to BLOB: length() of TEXT counts characters); purged versions hold '{}' and do not count.
  const usage = db.prepare<[], StoreUsage>(
    'SELECT count(*) AS rules, coalesce(sum(length(CAST(definition AS BLOB))), 0) AS bytes FROM rule_versions WHERE purged = 0',
  );
  const live = db.prepare<[], RuleRow>('SELECT id, version, definition FROM rule_versions WHERE purged = 0');
  const insert = db.prepare(
    'INSERT INTO rule_versions (id, version, kind, definition, hash, created_at) VALUES (@id, @version, @kind, @definition, @hash, @created_at)',
  );
  const deprecate = db.prepare<[string]>('UPDATE rule_versions SET deprecated = 1 WHERE id = ?');
  const purge = db.prepare<[string]>("UPDATE rule_versions SET deprecated = 1, purged = 1, definition = '{}' WHERE id = ?");

  // IMMEDIATE takes the write lock first, so concurrent writers (other processes) serialize.
  const append = db.transaction((rule: Parameters<RuleStore['append']>[0], limits: Parameters<RuleStore['append']>[1]) => {
    const last = latest.get(rule.id);
    const definition = JSON.stringify(rule.definition);
    const version = nextVersion(last, { hash: rule.hash, definition }, usage.get()!, limits);
    if (version === 'same') return { rule: fromRow(last!), created: false };
    const row = { ...rule, version, definition, created_at: new Date().toISOString() };
    insert.run(row);
    return { rule: fromRow({ ...row, deprecated: 0, purged: 0 }), created: true };
  });
  const purgeAll = db.transaction((id: string) => {
    refusePurge(id, dependentsOf(id, live.all()));
    purge.run(id);
    return ofId.all(id).length;
  });

  let timer: NodeJS.Timeout | undefined;
  return {
    backend: 'sqlite',
    loadAll: async () => guarded(() => all.all().map(fromRow)),
    versionsOf: async (id) => guarded(() => ofId.all(id).map(fromRow)),
    append: async (rule, limits) => guarded(() => append.immediate(rule, limits)),
    deprecate: async (id): Promise<number> =>
      guarded(() => {
        deprecate.run(id);
        return ofId.all(id).length;
      }),
    purge: async (id) => guarded(() => purgeAll.immediate(id)),
    watch(listener) {
      // data_version changes only when another connection commits.
      let seen = db.pragma('data_version', { simple: true });
      timer = setInterval(() => {
        const now = db.pragma('data_version', { simple: true });
        if (now !== seen) {
          seen = now;
          listener(undefined);
        }
      }, options.watchIntervalMs ?? 250);
      timer.unref();
    },
    async close() {
      clearInterval(timer);
      db.close();
    },
  };
}
