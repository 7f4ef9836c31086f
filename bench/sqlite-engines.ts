/**
 * The rule store's SQLite operations on both engines Node 24 offers: the
 * store itself (better-sqlite3, src/storage/sqlite-store.ts) and the same SQL
 * and pragmas on `node:sqlite`. CPU ms of this process per operation (and
 * wall ms for the durable appends, which wait for fsync): append RULES rule
 * versions one transaction each, load them all, read one rule's versions, poll
 * data_version. Run: `npm run bench:sqlite`. Not in `npm run bench`: it
 * informs the choice of engine (docs/performance-notes.md), not a target.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { createSqliteStore } from '../src/storage/sqlite-store.ts';
import { fromRow, nextVersion, type RuleRow, type StoreUsage } from '../src/storage/rule-store.ts';

const RULES = 2_000; // appends (each one fsyncs)
const LOADS = 20;
const READS = 5_000;
const POLLS = 20_000;

const cpuMs = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
};

interface Ops {
  append(i: number): void | Promise<unknown>;
  loadAll(): unknown;
  versionsOf(id: string): unknown;
  poll(): unknown;
  close(): void | Promise<void>;
}

/** No limit is reached: the bench measures the operations, not the refusals. */
const limits = { maxRules: 1e9, maxStoreBytes: 1e12 };

function definition(i: number) {
  return {
    kind: 'regex',
    pattern: `^answer ${i}$`,
    description: `rule ${i}, a regular expression with a few examples`,
    examples: [{ completion: `answer ${i}`, expected: 1 }],
  };
}

async function betterSqlite(file: string): Promise<Ops> {
  const store = createSqliteStore(file);
  const { default: Database } = await import('better-sqlite3');
  const poller = new Database(file); // the store polls through its own handle; this one does the same pragma
  return {
    append: (i) => store.append({ id: `r${i % 500}`, kind: 'regex', definition: definition(i), hash: `h${i}` }, limits),
    loadAll: () => store.loadAll(),
    versionsOf: (id) => store.versionsOf(id),
    poll: () => poller.pragma('data_version', { simple: true }),
    close: async () => {
      poller.close();
      await store.close();
    },
  };
}

/** The store's schema, pragmas and statements on node:sqlite. */
function nodeSqlite(file: string): Ops {
  const db = new DatabaseSync(file);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000');
  db.exec(`CREATE TABLE rule_versions (id TEXT NOT NULL, version INTEGER NOT NULL, kind TEXT NOT NULL, definition TEXT NOT NULL,
    hash TEXT NOT NULL, created_at TEXT NOT NULL, deprecated INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (id, version))`);
  const all = db.prepare('SELECT * FROM rule_versions ORDER BY id, version');
  const ofId = db.prepare('SELECT * FROM rule_versions WHERE id = ? ORDER BY version');
  const latest = db.prepare('SELECT * FROM rule_versions WHERE id = ? ORDER BY version DESC LIMIT 1');
  const usage = db.prepare('SELECT count(*) AS rules, coalesce(sum(length(CAST(definition AS BLOB))), 0) AS bytes FROM rule_versions');
  const insert = db.prepare('INSERT INTO rule_versions (id, version, kind, definition, hash, created_at) VALUES (?, ?, ?, ?, ?, ?)');
  const dataVersion = db.prepare('PRAGMA data_version');
  return {
    append(i) {
      const id = `r${i % 500}`;
      db.exec('BEGIN IMMEDIATE');
      try {
        const last = latest.get(id) as unknown as RuleRow | undefined;
        const text = JSON.stringify(definition(i));
        const version = nextVersion(last, { hash: `h${i}`, definition: text }, usage.get() as unknown as StoreUsage, limits);
        if (version !== 'same') insert.run(id, version, 'regex', text, `h${i}`, new Date().toISOString());
        db.exec('COMMIT');
      } catch (error) {
        db.exec('ROLLBACK');
        throw error;
      }
    },
    loadAll: () => (all.all() as unknown as RuleRow[]).map(fromRow),
    versionsOf: (id) => (ofId.all(id) as unknown as RuleRow[]).map(fromRow),
    poll: () => dataVersion.get(),
    close: () => db.close(),
  };
}

async function measure(name: string, open: (file: string) => Ops | Promise<Ops>): Promise<Record<string, string | number>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verdict-sqlite-'));
  try {
    const ops = await open(path.join(dir, 'rules.sqlite'));
    let cpu = process.cpuUsage();
    let wall = performance.now();
    for (let i = 0; i < RULES; i++) await ops.append(i);
    const append = { cpu: cpuMs(cpu) / RULES, wall: (performance.now() - wall) / RULES };
    cpu = process.cpuUsage();
    for (let i = 0; i < LOADS; i++) await ops.loadAll();
    const loadAll = cpuMs(cpu) / LOADS;
    cpu = process.cpuUsage();
    for (let i = 0; i < READS; i++) await ops.versionsOf(`r${i % 500}`);
    const versionsOf = cpuMs(cpu) / READS;
    cpu = process.cpuUsage();
    for (let i = 0; i < POLLS; i++) ops.poll();
    const poll = cpuMs(cpu) / POLLS;
    await ops.close();
    const f = (n: number) => +n.toFixed(4);
    return {
      engine: name,
      'append cpu ms': f(append.cpu),
      'append wall ms': f(append.wall),
      [`loadAll(${RULES}) cpu ms`]: f(loadAll),
      'versionsOf cpu ms': f(versionsOf),
      'data_version cpu ms': f(poll),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// Alternated, twice each: the machine's speed drifts.
const results = [];
for (let round = 0; round < 2; round++) {
  results.push(await measure('better-sqlite3', betterSqlite));
  results.push(await measure('node:sqlite', nodeSqlite));
}
console.table(results);
