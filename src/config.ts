/**
 * Configuration: the environment read through one JSON Schema (env-schema.ts: every variable, its
 * bounds, default and meaning), mapped onto `Config`. `loadConfig` takes the environment as an argument
 * (only server.ts and the CLI pass `process.env`) and rejects a bad value naming the variable.
 */
import os from 'node:os';
import { Ajv, type ErrorObject } from 'ajv';
import loadEnv from 'env-schema';
import { envSchema } from './env-schema.ts';

/** Each field is set by the variable whose `configKey` names it in env-schema.ts, which says what it means. */
export interface Config {
  host: string;
  port: number;
  logLevel: string;
  bodyLimitBytes: number;
  maxCompletions: number;
  maxCells: number;
  poolSize: number;
  sandboxPoolSize: number;
  workerStandby: number;
  workerNiceness: number;
  cellTimeoutMs: number;
  maxCellTimeoutMs: number;
  maxQueuedCells: number;
  maxQueueWaitMs: number;
  shutdownGraceMs: number;
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  keepAliveTimeoutMs: number;
  connectionTimeoutMs: number;
  rewardModules: string[];
  sandbox: { memoryMb?: number; outputBytes?: number; bwrapPath?: string };
  pythonSandbox: 'auto' | 'on' | 'off';
  cacheSize: number;
  cacheLimitBytes: number;
  cellDetailsLimitBytes: number;
  responseDetailsLimitBytes: number;
  idempotencyTtlMs: number;
  idempotencyLimitBytes: number;
  jobTtlMs: number;
  maxJobs: number;
  maxFinishedJobs: number;
  jobConcurrency: number;
  jobLeaseMs: number;
  dataDir: string;
  databaseUrl?: string;
  adminKeys: string[];
  openRegistration?: boolean;
  apiKeys: string[];
  maxRuleSourceBytes: number;
  maxRuleBytes: number;
  maxRuleStoreBytes: number;
  maxRuleExamples: number;
  maxRuleLeaves: number;
  maxRuleDepth: number;
  maxRules: number;
  nullWarnPercent: number;
  openrlhfRewards: string[];
}

const cores = Math.max(1, os.availableParallelism());

/** What the schema cannot default: the pools follow the machine's cores. */
const machineDefaults = { poolSize: cores, sandboxPoolSize: Math.max(1, cores - 1) };

// The options env-schema's own instance has, plus the schema's annotations as known keywords.
const ajv = new Ajv({
  allErrors: true,
  removeAdditional: true,
  useDefaults: true,
  coerceTypes: true,
  allowUnionTypes: true,
  keywords: [loadEnv.keywords.separator],
});
ajv.addVocabulary(['configKey', 'section', 'defaultNote']);

type Env = Record<string, string | undefined>;
type Property = { configKey: string; enum?: readonly string[]; separator?: string; minimum?: number; maximum?: number };
const properties: Record<string, Property> = envSchema.properties;

/** The first schema error, naming the variable and the value it had. */
function rejection(error: ErrorObject, env: Env): Error {
  const name = error.instancePath.slice(1);
  const { enum: choices, minimum, maximum } = properties[name];
  const got = `got "${env[name]}"`;
  if (choices)
    return new Error(
      `${name} must be ${choices
        .slice(0, -1)
        .map((c) => `"${c}"`)
        .join(', ')} or "${choices.at(-1)}", ${got}`,
    );
  const bounds = [minimum !== undefined && `>= ${minimum}`, maximum !== undefined && `<= ${maximum}`].filter(Boolean).join(' and ');
  return new Error(`${name} must be an integer ${bounds}, ${got}`);
}

function set(config: Config, key: string, value: unknown): void {
  const [head, tail] = key.split('.');
  const target = config as unknown as Record<string, unknown>;
  if (tail) target[head] = { ...(target[head] as object), [tail]: value };
  else target[head] = value;
}

export function loadConfig(env: Env, overrides: Partial<Config> = {}): Config {
  // An empty variable is an unset one (.env.example leaves some empty).
  const given = Object.fromEntries(Object.keys(properties).flatMap((name) => (env[name] ? [[name, env[name]]] : [])));
  let values: Record<string, unknown>;
  try {
    values = loadEnv({ schema: envSchema, data: given, env: false, ajv });
  } catch (error) {
    const first = (error as { errors?: ErrorObject[] }).errors?.[0];
    throw first ? rejection(first, env) : error;
  }
  const config = { ...machineDefaults, rewardModules: [], adminKeys: [], apiKeys: [], sandbox: {} } as unknown as Config;
  for (const [name, value] of Object.entries(values)) {
    const { configKey, separator } = properties[name];
    set(config, configKey, separator ? (value as string[]).map((item) => item.trim()).filter(Boolean) : value);
  }
  if (values.VERDICT_OPEN_REGISTRATION !== undefined) config.openRegistration = values.VERDICT_OPEN_REGISTRATION === 'on';
  // Checked on the environment alone: tests shrink the queue below a whole request on purpose.
  if (config.maxCells > config.maxQueuedCells) {
    throw new Error(`MAX_CELLS (${config.maxCells}) exceeds MAX_QUEUED_CELLS (${config.maxQueuedCells}): a request of MAX_CELLS cells could never be queued`);
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

/** The configuration of an empty environment. */
export const defaults: Readonly<Config> = Object.freeze(loadConfig({}));
