/**
 * The environment, as one JSON Schema: every variable the server and the CLI read, its type, bounds,
 * default and meaning. `loadConfig` validates the environment with it (env-schema, as fastify/demo
 * does), and `npm run docs` writes docs/configuration.md and .env.example from it.
 *
 * Annotations beside the JSON Schema keywords: `configKey` is the Config field a variable sets
 * (`sandbox.memoryMb` for a nested one), `section` groups it in the docs, and `defaultNote` states a
 * default that depends on the machine (the schema gives none; config.ts computes it).
 */
import { sandboxDefaults } from './sandbox/options.ts';

export const sections = {
  server: 'Server',
  requests: 'Requests and responses',
  pools: 'Worker pools and admission',
  time: 'Deadlines and connections',
  memory: 'Memory held across requests',
  jobs: 'Background jobs',
  sandbox: 'Code sandbox',
  rules: 'Rules and their store',
  auth: 'Keys and registration',
} as const;

const int = (minimum: number, fallback: number, configKey: string, section: keyof typeof sections, description: string) =>
  ({ type: 'integer', minimum, default: fallback, configKey, section, description }) as const;

export const envSchema = {
  type: 'object',
  properties: {
    HOST: {
      type: 'string',
      default: '127.0.0.1',
      configKey: 'host',
      section: 'server',
      description: 'Address the server listens on. A loopback address also leaves rule registration open without admin keys (see `VERDICT_OPEN_REGISTRATION`).',
    },
    PORT: {
      type: 'integer',
      minimum: 0,
      maximum: 65535,
      default: 8080,
      configKey: 'port',
      section: 'server',
      description: 'Port the server listens on (0: any free port).',
    },
    LOG_LEVEL: {
      type: 'string',
      enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
      default: 'info',
      configKey: 'logLevel',
      section: 'server',
      description: 'pino level. Logs carry ids, counts, durations and codes, never completions, code or keys. The CLI defaults it to `error`.',
    },

    BODY_LIMIT_BYTES: int(1, 64 * 1024 * 1024, 'bodyLimitBytes', 'requests', 'Largest request body, in bytes (`413 VERDICT_BODY_TOO_LARGE` beyond).'),
    MAX_COMPLETIONS: int(
      1,
      16_384,
      'maxCompletions',
      'requests',
      'Most completions in one request (`/v1/score`, `/v1/jobs`, `/try`, `/v1/openrlhf`; `413 VERDICT_TOO_MANY_COMPLETIONS` beyond).',
    ),
    MAX_CELLS: int(
      1,
      131_072,
      'maxCells',
      'requests',
      'Most (completion × rule) cells in one request, each leaf of a composite counting (`413 VERDICT_TOO_MANY_CELLS` beyond).',
    ),
    CELL_DETAILS_LIMIT_BYTES: int(
      256,
      16 * 1024,
      'cellDetailsLimitBytes',
      'requests',
      'Largest `details` of one cell, serialized, in bytes; beyond, the top-level entries that fit are kept with `_truncated: { bytes, limit, by }`.',
    ),
    RESPONSE_DETAILS_LIMIT_BYTES: int(
      1,
      64 * 1024 * 1024,
      'responseDetailsLimitBytes',
      'requests',
      'Most `details` in one response (all cells, serialized), in bytes; beyond, later cells keep only `_truncated`. Scores and reasons are never cut.',
    ),
    NULL_WARN_PERCENT: int(
      0,
      20,
      'nullWarnPercent',
      'requests',
      'A rule that could not score (`null`) more than this percent of its cells in a batch gets a `warnings` entry (`null_share`) in the response.',
    ),

    POOL_SIZE: { type: 'integer', minimum: 1, configKey: 'poolSize', section: 'pools', defaultNote: 'CPU count', description: 'Scoring worker processes.' },
    SANDBOX_POOL_SIZE: {
      type: 'integer',
      minimum: 1,
      configKey: 'sandboxPoolSize',
      section: 'pools',
      defaultNote: 'CPU count − 1 (at least 1)',
      description: 'Code-sandbox child processes; code runs never exceed the cores.',
    },
    WORKER_NICENESS: int(
      0,
      10,
      'workerNiceness',
      'pools',
      "Niceness of both pools' workers, so the HTTP process (which feeds them and answers probes) gets the CPU first. Set 0 when other CPU-heavy processes share the machine: niced workers yield to them too.",
    ),
    WORKER_STANDBY: int(0, 1, 'workerStandby', 'pools', 'Ready spare workers per pool: one takes over at once from a worker killed at a cell deadline.'),
    MAX_QUEUED_CELLS: int(
      1,
      262_144,
      'maxQueuedCells',
      'pools',
      "Cells waiting in a pool's queue beyond which scoring requests get `503 VERDICT_OVERLOADED` with `Retry-After`. At least MAX_CELLS (checked at start-up), so that the largest request fits an empty queue.",
    ),
    MAX_QUEUE_WAIT_MS: int(
      1,
      10_000,
      'maxQueueWaitMs',
      'pools',
      'Longest estimated queue wait (queued request bytes over the bytes answered per second) a scoring request is admitted into, in ms; decided from `Content-Length` before the body is read, each caller (API key, else connection) keeping an equal share; `503` with `Retry-After` beyond.',
    ),

    CELL_TIMEOUT_MS: int(
      1,
      5_000,
      'cellTimeoutMs',
      'time',
      'Per-cell deadline when neither the rule nor the request sets one, in ms; past it the worker is killed and the cell is `null` / `timeout`. At most `MAX_CELL_TIMEOUT_MS`.',
    ),
    MAX_CELL_TIMEOUT_MS: int(1, 60_000, 'maxCellTimeoutMs', 'time', 'Upper bound on any cell deadline, whatever the rule or request asks, in ms.'),
    SHUTDOWN_GRACE_MS: int(
      0,
      30_000,
      'shutdownGraceMs',
      'time',
      'On SIGTERM, `/readyz` fails at once and requests in flight (NDJSON streams included) get this long to finish, in ms; at four fifths of it what still scores answers with what it has.',
    ),
    // 64 MB at 0.5 MB/s
    REQUEST_TIMEOUT_MS: int(
      1,
      120_000,
      'requestTimeoutMs',
      'time',
      'Receiving a whole request, headers and body, may take this long, in ms (`408 VERDICT_REQUEST_TIMEOUT` beyond); not the scoring after it.',
    ),
    HEADERS_TIMEOUT_MS: int(
      1,
      20_000,
      'headersTimeoutMs',
      'time',
      "Receiving a request's headers may take this long, in ms (`408 VERDICT_REQUEST_TIMEOUT` beyond). At most `REQUEST_TIMEOUT_MS`.",
    ),
    // above nginx's 60 s upstream keepalive_timeout: the proxy closes first
    KEEP_ALIVE_TIMEOUT_MS: int(
      1,
      72_000,
      'keepAliveTimeoutMs',
      'time',
      "An idle keep-alive connection is closed after this, in ms (above nginx's 60 s, so the proxy closes first).",
    ),
    // above the Python client's and nginx's 300 s read timeouts
    CONNECTION_TIMEOUT_MS: int(
      1,
      310_000,
      'connectionTimeoutMs',
      'time',
      'A connection with no bytes either way for this long is closed, in ms (above the 300 s read timeouts of the Python client and nginx); longer batches belong in `/v1/jobs` or NDJSON.',
    ),

    CACHE_SIZE: int(
      0,
      100_000,
      'cacheSize',
      'memory',
      'Cell outcomes remembered across requests (LRU entries); 0 turns the cache off. Timeouts and machinery failures are never cached.',
    ),
    CACHE_LIMIT_BYTES: int(1, 64 * 1024 * 1024, 'cacheLimitBytes', 'memory', 'Memory of that cache (outcomes with their details, serialized), in bytes.'),
    IDEMPOTENCY_TTL_MS: int(
      1,
      10 * 60_000,
      'idempotencyTtlMs',
      'memory',
      'How long a response is kept for a retried `Idempotency-Key` (keys are per caller), in ms.',
    ),
    IDEMPOTENCY_LIMIT_BYTES: int(
      1,
      256 * 1024 * 1024,
      'idempotencyLimitBytes',
      'memory',
      "Bytes of responses kept for retried `Idempotency-Key`s, all callers together: each API key keeps its own last 1,000 within an equal share, and once the total is reached a new response is not kept (it never pushes out another caller's).",
    ),

    JOB_TTL_MS: int(1, 60 * 60_000, 'jobTtlMs', 'jobs', "How long a finished job's result can be fetched, in ms."),
    MAX_JOBS: int(1, 100, 'maxJobs', 'jobs', 'Most jobs queued or running at once (`503 VERDICT_TOO_MANY_JOBS` beyond); finished jobs never count.'),
    MAX_FINISHED_JOBS: int(0, 1_000, 'maxFinishedJobs', 'jobs', 'Finished jobs kept; beyond, the oldest are evicted.'),
    JOB_CONCURRENCY: int(0, 1, 'jobConcurrency', 'jobs', 'Jobs this process runs at once; 0: it only takes submissions and answers polls.'),
    JOB_LEASE_MS: int(
      10_000,
      30_000,
      'jobLeaseMs',
      'jobs',
      'A running job whose process has not renewed its claim for this long is taken over by another replica, in ms; also how long a job waits for room in a full scoring queue before it is queued again.',
    ),

    SANDBOX_PYTHON: {
      type: 'string',
      enum: ['auto', 'on', 'off'],
      default: 'auto',
      configKey: 'pythonSandbox',
      section: 'sandbox',
      description:
        "Python code under bubblewrap. `auto`: on when the sandbox's start-up self-test passes, else off with one warning line (Python cells `null` / `sandbox_unavailable`); `on`: the server refuses to start without it; `off`: no Python. JavaScript and TypeScript always run (V8 isolates).",
    },
    SANDBOX_BWRAP_PATH: {
      type: 'string',
      default: sandboxDefaults.bwrapPath,
      configKey: 'sandbox.bwrapPath',
      section: 'sandbox',
      description: 'The bubblewrap binary (a name is looked up in /usr/bin:/bin).',
    },
    SANDBOX_MEMORY_MB: int(
      1,
      sandboxDefaults.memoryMb,
      'sandbox.memoryMb',
      'sandbox',
      'Memory per JavaScript isolate (heap) and per Python test (address space), in MiB (`memory` beyond).',
    ),
    SANDBOX_OUTPUT_BYTES: int(
      1,
      sandboxDefaults.outputBytes,
      'sandbox.outputBytes',
      'sandbox',
      'Output kept per test, in bytes (JavaScript: stdout and stderr together; Python: stdout, and the first 4 KiB of stderr); more is `output_limit`.',
    ),

    REWARD_MODULES: {
      type: 'string',
      separator: ',',
      configKey: 'rewardModules',
      section: 'rules',
      description:
        'Extra rule modules, comma-separated paths exporting `reward` (a `RewardDefinition`), loaded like built-ins: `.js`, or `.ts` that Node can strip (docs/deploy.md).',
    },
    OPENRLHF_REWARDS: {
      type: 'string',
      separator: ',',
      default: 'math-answer',
      configKey: 'openrlhfRewards',
      section: 'rules',
      description:
        'Rules `POST /v1/openrlhf` applies when the request names none (`?rewards=`), comma-separated. OpenRLHF splits `--remote_rm_url` on commas, so several rules go here.',
    },
    DATA_DIR: {
      type: 'string',
      default: './data',
      configKey: 'dataDir',
      section: 'rules',
      description: 'Where the SQLite store of registered rules and jobs lives (when `DATABASE_URL` is unset).',
    },
    DATABASE_URL: {
      type: 'string',
      configKey: 'databaseUrl',
      section: 'rules',
      description: 'PostgreSQL connection string; when set, rules and jobs are stored there (replicas share it; LISTEN/NOTIFY keeps their copies fresh).',
    },
    MAX_RULE_SOURCE_BYTES: int(
      1,
      64 * 1024,
      'maxRuleSourceBytes',
      'rules',
      'Largest registered rule definition without its examples (source, patterns, formula), in bytes (`413 VERDICT_RULE_TOO_LARGE` beyond).',
    ),
    MAX_RULE_BYTES: int(
      1,
      256 * 1024,
      'maxRuleBytes',
      'rules',
      'Largest registered rule definition with its examples, in bytes (`413 VERDICT_RULE_TOO_LARGE` beyond).',
    ),
    MAX_RULE_EXAMPLES: int(1, 64, 'maxRuleExamples', 'rules', 'Most golden examples in one registration (`413 VERDICT_TOO_MANY_EXAMPLES` beyond).'),
    MAX_RULE_LEAVES: int(
      1,
      64,
      'maxRuleLeaves',
      'rules',
      'Most built-in rules one registered rule runs per completion, every leaf of its composites counting (`400 VERDICT_RULE_TOO_COMPLEX` beyond).',
    ),
    MAX_RULE_DEPTH: int(1, 8, 'maxRuleDepth', 'rules', 'Deepest nesting of composites in one registered rule (`400 VERDICT_RULE_TOO_COMPLEX` beyond).'),
    MAX_RULES: int(
      1,
      10_000,
      'maxRules',
      'rules',
      'Most stored rule versions, all ids, deprecated ones counting until purged (`409 VERDICT_RULE_LIMIT` beyond).',
    ),
    MAX_RULE_STORE_BYTES: int(
      1,
      256 * 1024 * 1024,
      'maxRuleStoreBytes',
      'rules',
      'Most bytes of stored definitions (purged versions excluded): bounds the memory of the loaded rules (`409 VERDICT_RULE_LIMIT` beyond).',
    ),

    VERDICT_ADMIN_KEYS: {
      type: 'string',
      separator: ',',
      configKey: 'adminKeys',
      section: 'auth',
      description:
        'Comma-separated bearer keys allowed to register, deprecate and purge rules (they may score too). Unset: registration is closed (`403 VERDICT_REGISTRATION_CLOSED`) unless `VERDICT_OPEN_REGISTRATION` or a loopback `HOST` opens it.',
    },
    VERDICT_API_KEYS: {
      type: 'string',
      separator: ',',
      configKey: 'apiKeys',
      section: 'auth',
      description: 'Comma-separated bearer keys allowed to score and read `/v1/`. Unset: scoring is open.',
    },
    VERDICT_OPEN_REGISTRATION: {
      type: 'string',
      enum: ['on', 'off'],
      configKey: 'openRegistration',
      section: 'auth',
      description:
        'Registration without admin keys: `on` opens it to every caller (a warning at start), `off` closes it. Unset: open only when `HOST` is a loopback address.',
    },
  },
} as const;
