/**
 * Configuration: every option, its env var and its default in one visible
 * place. `loadConfig` takes the environment as an argument (only server.ts
 * passes `process.env`), and rejects a bad value naming the variable.
 */
import os from 'node:os';

export interface Config {
  host: string;
  port: number;
  logLevel: string;
  /** Largest accepted request body, in bytes. */
  bodyLimitBytes: number;
  /** Most completions in one scoring request. */
  maxCompletions: number;
  /** Most (completion x rule) cells in one scoring request. */
  maxCells: number;
  /** Scoring worker processes. */
  poolSize: number;
  /** Code-sandbox child processes; total concurrent runs never exceed the cores. */
  sandboxPoolSize: number;
  /** Ready spare workers per pool: one takes over at once from a worker killed at a deadline. */
  workerStandby: number;
  /** Niceness of both pools' workers (0-19): above 0 the HTTP process, which feeds them and answers probes, gets the CPU first. */
  workerNiceness: number;
  /** Per-cell deadline when neither the rule nor the request sets one, in ms. */
  cellTimeoutMs: number;
  /** Upper bound on any cell deadline, whatever the request asks, in ms. */
  maxCellTimeoutMs: number;
  /** Cells waiting in a pool's queue beyond which requests get 503. */
  maxQueuedCells: number;
  /** Longest estimated queue wait a scoring request is admitted into (503 + Retry-After beyond), in ms. */
  maxQueueWaitMs: number;
  /** Grace period for in-flight requests on SIGTERM, in ms. */
  shutdownGraceMs: number;
  /** Extra modules exporting `reward` (a RewardDefinition), loaded as built-ins: plugins, test fixtures. */
  rewardModules: string[];
  /** Options of the code sandbox (src/sandbox/options.ts): Python on or off, memory and output caps. */
  sandbox: { python: boolean; memoryMb?: number; outputBytes?: number };
  /** Cell outcomes remembered across requests (LRU entries); 0 turns the cache off. */
  cacheSize: number;
  /** How long a response is kept for a retried `Idempotency-Key`, in ms. */
  idempotencyTtlMs: number;
  /** How long a finished job's result can be fetched, in ms. */
  jobTtlMs: number;
  /** Most jobs queued or running at once (503 beyond); finished jobs never count. */
  maxJobs: number;
  /** Finished jobs kept; beyond it the oldest are evicted. */
  maxFinishedJobs: number;
  /** Jobs this process runs at once; 0 = it only takes submissions and answers polls. */
  jobConcurrency: number;
  /** A running job whose process has not renewed its claim for this long is taken over by another, in ms. */
  jobLeaseMs: number;
  /** Where the SQLite rule store lives (when no databaseUrl). */
  dataDir: string;
  /** PostgreSQL connection string; when set, rules are stored there instead of SQLite. */
  databaseUrl?: string;
  /** Bearer keys allowed to register and deprecate rules; empty = registration is open. */
  adminKeys: string[];
  /** Bearer keys allowed to score (admin keys may too); empty = scoring is open. */
  apiKeys: string[];
  /** Largest registered rule definition (source, patterns, formula; examples excluded), in bytes. */
  maxRuleSourceBytes: number;
  /** Most golden examples in one registration. */
  maxRuleExamples: number;
  /** Most stored rule versions (all ids, all versions). */
  maxRules: number;
  /** Rules POST /v1/openrlhf applies when the request names none (`?rewards=`). */
  openrlhfRewards: string[];
}

const cores = Math.max(1, os.availableParallelism());

export const defaults: Config = {
  host: '127.0.0.1',
  port: 8080,
  logLevel: 'info',
  bodyLimitBytes: 64 * 1024 * 1024,
  maxCompletions: 16_384,
  maxCells: 131_072,
  poolSize: cores,
  sandboxPoolSize: Math.max(1, cores - 1),
  workerNiceness: 10,
  workerStandby: 1,
  cellTimeoutMs: 5_000,
  maxCellTimeoutMs: 60_000,
  maxQueuedCells: 262_144,
  maxQueueWaitMs: 10_000,
  shutdownGraceMs: 30_000,
  rewardModules: [],
  sandbox: { python: true },
  cacheSize: 100_000,
  idempotencyTtlMs: 10 * 60_000,
  jobTtlMs: 60 * 60_000,
  maxJobs: 100,
  maxFinishedJobs: 1_000,
  jobConcurrency: 1,
  jobLeaseMs: 30_000,
  dataDir: './data',
  adminKeys: [],
  apiKeys: [],
  maxRuleSourceBytes: 64 * 1024,
  maxRuleExamples: 64,
  maxRules: 10_000,
  openrlhfRewards: ['math-answer'],
};

type Env = Record<string, string | undefined>;

/** env var -> config key; the README's table lists the same names. */
const integerVars: Array<[string, keyof Config, number]> = [
  ['PORT', 'port', 0],
  ['BODY_LIMIT_BYTES', 'bodyLimitBytes', 1],
  ['MAX_COMPLETIONS', 'maxCompletions', 1],
  ['MAX_CELLS', 'maxCells', 1],
  ['POOL_SIZE', 'poolSize', 1],
  ['SANDBOX_POOL_SIZE', 'sandboxPoolSize', 1],
  ['WORKER_NICENESS', 'workerNiceness', 0],
  ['WORKER_STANDBY', 'workerStandby', 0],
  ['CELL_TIMEOUT_MS', 'cellTimeoutMs', 1],
  ['MAX_CELL_TIMEOUT_MS', 'maxCellTimeoutMs', 1],
  ['MAX_QUEUED_CELLS', 'maxQueuedCells', 1],
  ['MAX_QUEUE_WAIT_MS', 'maxQueueWaitMs', 1],
  ['SHUTDOWN_GRACE_MS', 'shutdownGraceMs', 0],
  ['CACHE_SIZE', 'cacheSize', 0],
  ['IDEMPOTENCY_TTL_MS', 'idempotencyTtlMs', 1],
  ['JOB_TTL_MS', 'jobTtlMs', 1],
  ['MAX_JOBS', 'maxJobs', 1],
  ['MAX_FINISHED_JOBS', 'maxFinishedJobs', 0],
  ['JOB_CONCURRENCY', 'jobConcurrency', 0],
  ['JOB_LEASE_MS', 'jobLeaseMs', 10_000],
  ['MAX_RULE_SOURCE_BYTES', 'maxRuleSourceBytes', 1],
  ['MAX_RULE_EXAMPLES', 'maxRuleExamples', 1],
  ['MAX_RULES', 'maxRules', 1],
];

const list = (raw: string) => raw.split(',').map((m) => m.trim()).filter(Boolean);

export function loadConfig(env: Env, overrides: Partial<Config> = {}): Config {
  const config: Config = { ...defaults };
  if (env.HOST) config.host = env.HOST;
  if (env.LOG_LEVEL) config.logLevel = env.LOG_LEVEL;
  if (env.REWARD_MODULES) config.rewardModules = env.REWARD_MODULES.split(',').map((m) => m.trim()).filter(Boolean);
  if (env.DATA_DIR) config.dataDir = env.DATA_DIR;
  config.sandbox = { ...defaults.sandbox };
  if (env.SANDBOX_PYTHON) {
    if (!['on', 'off'].includes(env.SANDBOX_PYTHON)) throw new Error(`SANDBOX_PYTHON must be "on" or "off", got "${env.SANDBOX_PYTHON}"`);
    config.sandbox.python = env.SANDBOX_PYTHON === 'on';
  }
  for (const [name, key] of [['SANDBOX_MEMORY_MB', 'memoryMb'], ['SANDBOX_OUTPUT_BYTES', 'outputBytes']] as const) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    if (!/^[1-9][0-9]*$/.test(raw)) throw new Error(`${name} must be an integer >= 1, got "${raw}"`);
    config.sandbox[key] = Number(raw);
  }
  if (env.DATABASE_URL) config.databaseUrl = env.DATABASE_URL;
  if (env.VERDICT_ADMIN_KEYS) config.adminKeys = list(env.VERDICT_ADMIN_KEYS);
  if (env.VERDICT_API_KEYS) config.apiKeys = list(env.VERDICT_API_KEYS);
  if (env.OPENRLHF_REWARDS) config.openrlhfRewards = list(env.OPENRLHF_REWARDS);
  for (const [name, key, min] of integerVars) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min) {
      throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
    }
    (config as unknown as Record<string, unknown>)[key] = value;
  }
  Object.assign(config, overrides);
  if (config.cellTimeoutMs > config.maxCellTimeoutMs) {
    throw new Error(`CELL_TIMEOUT_MS (${config.cellTimeoutMs}) exceeds MAX_CELL_TIMEOUT_MS (${config.maxCellTimeoutMs})`);
  }
  return config;
}
