/** Picks the rule store from the config: PostgreSQL when DATABASE_URL is set, else SQLite under DATA_DIR. */
import path from 'node:path';
import type { Config } from '../config.ts';
import { createPostgresStore, type PostgresStoreOptions } from './postgres-store.ts';
import type { RuleStore } from './rule-store.ts';
import { createSqliteStore } from './sqlite-store.ts';

export async function createRuleStore(config: Pick<Config, 'dataDir' | 'databaseUrl'>, options: PostgresStoreOptions = {}): Promise<RuleStore> {
  if (config.databaseUrl) return createPostgresStore(config.databaseUrl, options);
  return createSqliteStore(path.join(path.resolve(config.dataDir), 'rules.sqlite'));
}
