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
  /** Receiving a whole request (headers and body) may take this long, in ms; beyond, 408. */
  requestTimeoutMs: number;
  /** Receiving a request's headers may take this long, in ms; beyond, 408. */
  headersTimeoutMs: number;
  /** An idle keep-alive connection is closed after this, in ms. */
  keepAliveTimeoutMs: number;
  /** A connection with no bytes either way for this long is closed, in ms (longer than any scoring call waits). */
  connectionTimeoutMs: number;
  /** Extra modules exporting `reward` (a RewardDefinition), loaded as built-ins: plugins, test fixtures. */
  rewardModules: string[];
  /** Options of the code sandbox (src/sandbox/options.ts): Python on or off, memory and output caps. */
  sandbox: { python: boolean; memoryMb?: number; outputBytes?: number; bwrapPath?: string };
  /**
   * SANDBOX_PYTHON: `auto` runs Python when the sandbox's start-up self-test passes and warns when it does
   * not; `on` refuses to start without it; `off` never runs Python. server.ts turns it into `sandbox.python`.
   */
  pythonSandbox: 'auto' | 'on' | 'off';
  /** Cell outcomes remembered across requests (LRU entries); 0 turns the cache off. */
  cacheSize: number;
  /** Memory of that cache (outcomes with their details, serialized), in bytes. */
  cacheLimitBytes: number;
  /** Largest `details` of one cell (serialized), in bytes; beyond, cut with a `_truncated` flag. */
  cellDetailsLimitBytes: number;
  /** Most `details` in one response (serialized, all cells), in bytes; beyond, cells keep only the flag. */
  responseDetailsLimitBytes: number;
  /** How long a response is kept for a retried `Idempotency-Key`, in ms. */
  idempotencyTtlMs: number;
  /** Bytes of responses kept for retried `Idempotency-Key`s (the oldest go first), in bytes. */
  idempotencyLimitBytes: number;
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
  /** Bearer keys allowed to register and deprecate rules; empty = registration is closed unless opened. */
  adminKeys: string[];
  /** Registration without admin keys: true = open to every caller, false = closed; unset = open only when HOST is loopback. */
  openRegistration?: boolean;
  /** Bearer keys allowed to score (admin keys may too); empty = scoring is open. */
  apiKeys: string[];
  /** Largest registered rule definition (source, patterns, formula; examples excluded), in bytes. */
  maxRuleSourceBytes: number;
  /** Largest registered rule definition with its examples, in bytes. */
  maxRuleBytes: number;
  /** Most bytes of definitions in the store (purged versions excluded), in bytes: bounds the memory of the loaded rules. */
  maxRuleStoreBytes: number;
  /** Most golden examples in one registration. */
  maxRuleExamples: number;
  /** Most built-in rules one registered rule runs per completion (every leaf of its composites). */
  maxRuleLeaves: number;
  /** Deepest nesting of composites in one registered rule. */
  maxRuleDepth: number;
  /** Most stored rule versions (all ids, all versions). */
  maxRules: number;
  /** A rule that could not score more than this share of its cells in a batch (in percent) gets a warning in the response. */
  nullWarnPercent: number;
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
  requestTimeoutMs: 120_000, // 64 MB at 0.5 MB/s
  headersTimeoutMs: 20_000,
  keepAliveTimeoutMs: 72_000, // above nginx's 60 s upstream keepalive_timeout: the proxy closes first
  connectionTimeoutMs: 310_000, // above the Python client's and nginx's 300 s read timeouts
  rewardModules: [],
  sandbox: { python: true },
  pythonSandbox: 'auto',
  cacheSize: 100_000,
  cacheLimitBytes: 64 * 1024 * 1024,
  cellDetailsLimitBytes: 16 * 1024,
  responseDetailsLimitBytes: 64 * 1024 * 1024,
  idempotencyTtlMs: 10 * 60_000,
  idempotencyLimitBytes: 256 * 1024 * 1024,
  jobTtlMs: 60 * 60_000,
  maxJobs: 100,
  maxFinishedJobs: 1_000,
  jobConcurrency: 1,
  jobLeaseMs: 30_000,
  dataDir: './data',
  adminKeys: [],
  apiKeys: [],
  maxRuleSourceBytes: 64 * 1024,
  maxRuleBytes: 256 * 1024,
  maxRuleStoreBytes: 256 * 1024 * 1024,
  maxRuleExamples: 64,
  maxRuleLeaves: 64,
  maxRuleDepth: 8,
  maxRules: 10_000,
  openrlhfRewards: ['math-answer'],
  nullWarnPercent: 20,
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
  ['REQUEST_TIMEOUT_MS', 'requestTimeoutMs', 1],
  ['HEADERS_TIMEOUT_MS', 'headersTimeoutMs', 1],
  ['KEEP_ALIVE_TIMEOUT_MS', 'keepAliveTimeoutMs', 1],
  ['CONNECTION_TIMEOUT_MS', 'connectionTimeoutMs', 1],
  ['CACHE_SIZE', 'cacheSize', 0],
  ['CACHE_LIMIT_BYTES', 'cacheLimitBytes', 1],
  ['CELL_DETAILS_LIMIT_BYTES', 'cellDetailsLimitBytes', 256],
  ['RESPONSE_DETAILS_LIMIT_BYTES', 'responseDetailsLimitBytes', 1],
  ['IDEMPOTENCY_TTL_MS', 'idempotencyTtlMs', 1],
  ['IDEMPOTENCY_LIMIT_BYTES', 'idempotencyLimitBytes', 1],
  ['JOB_TTL_MS', 'jobTtlMs', 1],
  ['MAX_JOBS', 'maxJobs', 1],
  ['MAX_FINISHED_JOBS', 'maxFinishedJobs', 0],
  ['JOB_CONCURRENCY', 'jobConcurrency', 0],
  ['JOB_LEASE_MS', 'jobLeaseMs', 10_000],
  ['MAX_RULE_SOURCE_BYTES', 'maxRuleSourceBytes', 1],
  ['MAX_RULE_BYTES', 'maxRuleBytes', 1],
  ['MAX_RULE_STORE_BYTES', 'maxRuleStoreBytes', 1],
  ['MAX_RULE_EXAMPLES', 'maxRuleExamples', 1],
  ['MAX_RULE_LEAVES', 'maxRuleLeaves', 1],
  ['MAX_RULE_DEPTH', 'maxRuleDepth', 1],
  ['MAX_RULES', 'maxRules', 1],
  ['NULL_WARN_PERCENT', 'nullWarnPercent', 0],
];

const list = (raw: string) =>
  raw
    .split(',')
    .map((m) => m.trim())
    .filter(Boolean);

export function loadConfig(env: Env, overrides: Partial<Config> = {}): Config {
  const config: Config = { ...defaults };
  if (env.HOST) config.host = env.HOST;
  if (env.LOG_LEVEL) config.logLevel = env.LOG_LEVEL;
  if (env.REWARD_MODULES)
    config.rewardModules = env.REWARD_MODULES.split(',')
      .map((m) => m.trim())
      .filter(Boolean);
  if (env.DATA_DIR) config.dataDir = env.DATA_DIR;
  config.sandbox = { ...defaults.sandbox };
  if (env.SANDBOX_PYTHON) {
    const mode = env.SANDBOX_PYTHON;
    if (mode !== 'auto' && mode !== 'on' && mode !== 'off') throw new Error(`SANDBOX_PYTHON must be "auto", "on" or "off", got "${mode}"`);
    config.pythonSandbox = mode;
    config.sandbox.python = mode !== 'off';
  }
  if (env.SANDBOX_BWRAP_PATH) config.sandbox.bwrapPath = env.SANDBOX_BWRAP_PATH;
  for (const [name, key] of [
    ['SANDBOX_MEMORY_MB', 'memoryMb'],
    ['SANDBOX_OUTPUT_BYTES', 'outputBytes'],
  ] as const) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    if (!/^[1-9][0-9]*$/.test(raw)) throw new Error(`${name} must be an integer >= 1, got "${raw}"`);
    config.sandbox[key] = Number(raw);
  }
  if (env.DATABASE_URL) config.databaseUrl = env.DATABASE_URL;
  if (env.VERDICT_ADMIN_KEYS) config.adminKeys = list(env.VERDICT_ADMIN_KEYS);
  if (env.VERDICT_API_KEYS) config.apiKeys = list(env.VERDICT_API_KEYS);
  const open = env.VERDICT_OPEN_REGISTRATION;
  if (open) {
    if (!['on', 'off'].includes(open)) throw new Error(`VERDICT_OPEN_REGISTRATION must be "on" or "off", got "${open}"`);
    config.openRegistration = open === 'on';
  }
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
  if (config.headersTimeoutMs > config.requestTimeoutMs) {
    throw new Error(`HEADERS_TIMEOUT_MS (${config.headersTimeoutMs}) exceeds REQUEST_TIMEOUT_MS (${config.requestTimeoutMs})`);
  }
  if (config.cellTimeoutMs > config.maxCellTimeoutMs) {
    throw new Error(`CELL_TIMEOUT_MS (${config.cellTimeoutMs}) exceeds MAX_CELL_TIMEOUT_MS (${config.maxCellTimeoutMs})`);
  }
  return config;
}
