/**
 * SQLite files as both stores (rules, jobs) open them: better-sqlite3, WAL
 * with synchronous=FULL (an acknowledged write is on disk), a short lock wait,
 * migrations counted by PRAGMA user_version, and one mapping of "the file
 * cannot be used now" to 503 VERDICT_STORE_UNAVAILABLE.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { StoreUnavailable } from '../errors.ts';

/**
 * better-sqlite3 waits for another process's lock on the event loop, blocking every request of this
 * one: a writer elsewhere holding it past this is a 503, not a stall, in ms.
 */
export const BUSY_TIMEOUT_MS = 1_000;

/** Opens (creating its directory) and migrates `file`; `migrations` are applied in order, once each. */
export function openSqlite(file: string, migrations: readonly string[]): Database.Database {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL'); // fsync the WAL on every commit: acknowledged = durable
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  db.transaction(() => {
    const applied = db.pragma('user_version', { simple: true }) as number;
    for (const sql of migrations.slice(applied)) db.exec(sql);
    db.pragma(`user_version = ${migrations.length}`);
  }).immediate();
  return db;
}

/** SQLite result codes that say the file cannot be used now (locked, full, I/O), not that the request was wrong. */
const unavailable = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|READONLY|CORRUPT|NOTADB|PROTOCOL)/;

/** Runs `work`, turning the store's unavailability into 503 VERDICT_STORE_UNAVAILABLE. */
export function guarded<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && unavailable.test(code)) throw new StoreUnavailable(code);
    throw error;
  }
}

/**
 * Runs `work` (one write) with synchronous=NORMAL: in WAL mode its commit is not fsynced, so it costs no
 * disk flush on the event loop, and it is lost only if the machine (not the process) goes down before
 * the next synchronous commit or checkpoint. For writes whose loss costs nothing; the file stays
 * consistent either way.
 */
export function relaxed<T>(db: Database.Database, work: () => T): T {
  db.pragma('synchronous = NORMAL');
  try {
    return work();
  } finally {
    db.pragma('synchronous = FULL');
  }
}
