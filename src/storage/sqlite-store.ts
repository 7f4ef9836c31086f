/**
 * The default rule store: one SQLite file (better-sqlite3 12) under the data
 * directory, WAL with synchronous=FULL so every acknowledged write is on disk.
 * Other processes sharing the file are noticed through `PRAGMA data_version`.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { fromRow, nextVersion, type RuleRow, type RuleStore } from './rule-store.ts';

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
];

export interface SqliteStoreOptions {
  /** How often to look for commits by other processes, in ms. */
  watchIntervalMs?: number;
}

export function createSqliteStore(file: string, options: SqliteStoreOptions = {}): RuleStore {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL'); // fsync the WAL on every commit: acknowledged = durable
  db.pragma('busy_timeout = 5000');
  db.transaction(() => {
    const applied = db.pragma('user_version', { simple: true }) as number;
    for (const sql of migrations.slice(applied)) db.exec(sql);
    db.pragma(`user_version = ${migrations.length}`);
  }).immediate();

  const all = db.prepare<[], RuleRow>('SELECT * FROM rule_versions ORDER BY id, version');
  const ofId = db.prepare<[string], RuleRow>('SELECT * FROM rule_versions WHERE id = ? ORDER BY version');
  const latest = db.prepare<[string], RuleRow>('SELECT * FROM rule_versions WHERE id = ? ORDER BY version DESC LIMIT 1');
  const count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM rule_versions');
  const insert = db.prepare(
    'INSERT INTO rule_versions (id, version, kind, definition, hash, created_at) VALUES (@id, @version, @kind, @definition, @hash, @created_at)',
  );
  const deprecate = db.prepare<[string]>('UPDATE rule_versions SET deprecated = 1 WHERE id = ?');

  // IMMEDIATE takes the write lock first, so concurrent writers (other processes) serialize.
  const append = db.transaction((rule: Parameters<RuleStore['append']>[0], maxRules: number) => {
    const last = latest.get(rule.id);
    const version = nextVersion(last, rule.hash, count.get()!.n, maxRules);
    if (version === 'same') return { rule: fromRow(last!), created: false };
    const row = { ...rule, version, definition: JSON.stringify(rule.definition), created_at: new Date().toISOString() };
    insert.run(row);
    return { rule: fromRow({ ...row, deprecated: 0 }), created: true };
  });

  let timer: NodeJS.Timeout | undefined;
  return {
    backend: 'sqlite',
    loadAll: async () => all.all().map(fromRow),
    versionsOf: async (id) => ofId.all(id).map(fromRow),
    append: async (rule, maxRules) => append.immediate(rule, maxRules),
    deprecate: async (id): Promise<number> => {
      deprecate.run(id);
      return ofId.all(id).length;
    },
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
