/** Picks the job store from the config, as the rule store does: PostgreSQL when DATABASE_URL is set, else SQLite under DATA_DIR. */
import path from 'node:path';
import type { Config } from '../config.ts';
import type { JobStore, JobStoreOptions } from './job-store.ts';
import { createPostgresJobStore } from './postgres-job-store.ts';
import { createSqliteJobStore } from './sqlite-job-store.ts';

export async function createJobStore(config: Pick<Config, 'dataDir' | 'databaseUrl'>, options: JobStoreOptions): Promise<JobStore> {
  if (config.databaseUrl) return createPostgresJobStore(config.databaseUrl, options);
  return createSqliteJobStore(path.join(path.resolve(config.dataDir), 'jobs.sqlite'), options);
}
