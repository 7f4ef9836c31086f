/**
 * The two rule-store backends, for suites that run once per backend: SQLite in
 * a temp dir, and PostgreSQL in a fresh database on TEST_DATABASE_URL's server
 * (.ci/pg-start.sh starts one). Without TEST_DATABASE_URL the PostgreSQL half
 * is skipped, and says so.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { Config } from '../src/config.ts';

export interface Backend {
  /** Config (or env) pointing a server at this storage. */
  config: Pick<Config, 'dataDir' | 'databaseUrl'>;
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

const testDatabaseUrl = process.env.TEST_DATABASE_URL;

export function tempDir(prefix = 'verdict-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

async function sqlite(): Promise<Backend> {
  const dataDir = tempDir();
  return { config: { dataDir }, env: { DATA_DIR: dataDir }, cleanup: async () => fs.rmSync(dataDir, { recursive: true, force: true }) };
}

async function postgres(): Promise<Backend> {
  const name = `verdict_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: testDatabaseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(testDatabaseUrl!);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  const dataDir = tempDir(); // unused with a database, but never the repo's ./data
  return {
    config: { dataDir, databaseUrl },
    env: { DATABASE_URL: databaseUrl },
    async cleanup() {
      fs.rmSync(dataDir, { recursive: true, force: true });
      const client = new pg.Client({ connectionString: testDatabaseUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/** [name, factory, available] rows for describe.each; skip a row whose backend is unavailable. */
export const backends: Array<[string, () => Promise<Backend>, boolean]> = [
  ['sqlite', sqlite, true],
  ['postgres', postgres, Boolean(testDatabaseUrl)],
];
if (!testDatabaseUrl) console.warn('PostgreSQL storage tests SKIPPED: TEST_DATABASE_URL is not set (.ci/pg-start.sh sets it)');
