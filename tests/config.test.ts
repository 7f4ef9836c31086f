/** Configuration from the environment: defaults, parsing, errors that name the variable, and one schema behind all of it. */
import fs from 'node:fs';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { defaults, loadConfig, type Config } from '../src/config.ts';
import { envSchema } from '../src/env-schema.ts';
import { resolveSandboxOptions } from '../src/sandbox/options.ts';

const variables = Object.keys(envSchema.properties);

describe('loadConfig', () => {
  it('uses the embedded defaults with an empty environment', () => {
    expect(loadConfig({})).toMatchObject({ host: '127.0.0.1', port: 8080, cellTimeoutMs: 5_000, openrlhfRewards: ['math-answer'], pythonSandbox: 'auto' });
  });

  it('reads every kind of variable: integers, lists, choices', () => {
    const config = loadConfig({
      PORT: '9000',
      POOL_SIZE: '3',
      MAX_COMPLETIONS: '10',
      WORKER_NICENESS: '0',
      REWARD_MODULES: 'a.ts, b.ts',
      SANDBOX_MEMORY_MB: '128',
    });
    expect(config).toMatchObject({
      port: 9000,
      poolSize: 3,
      maxCompletions: 10,
      workerNiceness: 0,
      rewardModules: ['a.ts', 'b.ts'],
      sandbox: { memoryMb: 128 },
    });
    expect(loadConfig({ SANDBOX_PYTHON: 'off', VERDICT_OPEN_REGISTRATION: 'off', VERDICT_API_KEYS: 'k1,,k2 ' })).toMatchObject({
      pythonSandbox: 'off',
      openRegistration: false,
      apiKeys: ['k1', 'k2'],
    });
    // Unset registration stays undefined: the HOST decides (auth.ts).
    expect(loadConfig({}).openRegistration).toBeUndefined();
  });

  it('takes an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', HOST: '', OPENRLHF_REWARDS: '' })).toMatchObject({ port: 8080, host: '127.0.0.1', openrlhfRewards: ['math-answer'] });
  });

  const bad: Array<[string, Record<string, string>, RegExp]> = [
    ['not a number', { POOL_SIZE: 'two' }, /^POOL_SIZE must be an integer >= 1, got "two"$/],
    ['below the minimum', { MAX_CELLS: '0' }, /^MAX_CELLS must be an integer >= 1, got "0"$/],
    ['a fraction', { PORT: '80.5' }, /^PORT must be an integer >= 0 and <= 65535/],
    ['a port past 65535', { PORT: '70000' }, /^PORT must be an integer >= 0 and <= 65535, got "70000"$/],
    ['a negative niceness (raising priority needs privilege)', { WORKER_NICENESS: '-5' }, /WORKER_NICENESS must be an integer >= 0/],
    ['a sandbox memory of 0', { SANDBOX_MEMORY_MB: '0' }, /SANDBOX_MEMORY_MB must be an integer >= 1/],
    ['a job lease too short to renew', { JOB_LEASE_MS: '500' }, /JOB_LEASE_MS must be an integer >= 10000/],
    ['default deadline above the cap', { CELL_TIMEOUT_MS: '90000' }, /exceeds MAX_CELL_TIMEOUT_MS/],
    ['a headers deadline above the whole request deadline', { HEADERS_TIMEOUT_MS: '200000' }, /exceeds REQUEST_TIMEOUT_MS/],
    // A request of MAX_CELLS cells would be refused with 503 at every retry, a job would wait for room forever.
    ['a queue smaller than the largest request', { MAX_QUEUED_CELLS: '1000', MAX_CELLS: '1001' }, /MAX_CELLS \(1001\) exceeds MAX_QUEUED_CELLS \(1000\)/],
    [
      'registration opened with a word other than on or off',
      { VERDICT_OPEN_REGISTRATION: 'yes' },
      /^VERDICT_OPEN_REGISTRATION must be "on" or "off", got "yes"$/,
    ],
    ['a Python mode that does not exist', { SANDBOX_PYTHON: 'maybe' }, /^SANDBOX_PYTHON must be "auto", "on" or "off", got "maybe"$/],
    ['a log level pino does not have', { LOG_LEVEL: 'verbose' }, /^LOG_LEVEL must be "fatal", .* or "silent", got "verbose"$/],
  ];
  it.each(bad)('rejects %s, naming the variable', (_why, env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('keeps the defaults object untouched', () => {
    loadConfig({ PORT: '1' });
    expect(defaults.port).toBe(8080);
  });

  it('reads exactly the variables of the schema', () => {
    const read = new Set<string>();
    loadConfig(new Proxy({}, { get: (_env, name) => (read.add(String(name)), undefined) }));
    expect([...read].sort()).toEqual([...variables].sort());
  });
});

describe('the schema of the environment (src/env-schema.ts), the one source', () => {
  const properties = envSchema.properties as Record<
    string,
    { configKey: string; section: string; description: string; default?: unknown; defaultNote?: string }
  >;

  it('sets every Config field from exactly one variable, each described, placed and defaulted', () => {
    const keys = Object.values(properties).map((p) => p.configKey.split('.')[0]);
    const fields = Object.keys({ ...defaults, databaseUrl: undefined, openRegistration: undefined } satisfies Partial<Config>);
    expect([...new Set(keys)].sort()).toEqual(fields.sort());
    expect(new Set(Object.values(properties).map((p) => p.configKey)).size).toBe(variables.length);
    for (const [name, p] of Object.entries(properties)) {
      expect(p.description.length, name).toBeGreaterThan(20);
      expect(p.section, name).toBeTruthy();
      expect(name).toMatch(/^[A-Z][A-Z0-9_]*$/);
    }
  });

  it('.env.example names every variable and holds the defaults', () => {
    const example = parseEnv(fs.readFileSync(new URL('../.env.example', import.meta.url), 'utf8'));
    expect(Object.keys(example).sort()).toEqual([...variables].sort());
    const effective = (env: Record<string, string | undefined>) => {
      const config = loadConfig(env);
      return { ...config, sandbox: resolveSandboxOptions(config.sandbox) };
    };
    expect(effective(example)).toEqual(effective({}));
  });

  it('docs/configuration.md documents every variable, and names no other', () => {
    const page = fs.readFileSync(new URL('../docs/configuration.md', import.meta.url), 'utf8');
    const rows = [...page.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm)].map((m) => m[1]);
    expect(rows.sort()).toEqual([...variables].sort());
  });

  it("README's settings name real variables with their real defaults", () => {
    const readme = fs.readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const rows = [...readme.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \| ([^|]+) \|/gm)].map((m) => [m[1], m[2].trim()]);
    expect(rows.length).toBe(5);
    for (const [name, shown] of rows) {
      const p = properties[name];
      expect(p, name).toBeDefined();
      expect(shown, name).toBe(p.default !== undefined ? `\`${String(p.default as string | number | boolean)}\`` : (p.defaultNote ?? '(unset)'));
    }
  });

  it('docs/security.md cites only real variables and real error codes', async () => {
    const page = fs.readFileSync(new URL('../docs/security.md', import.meta.url), 'utf8');
    const errors = (await import('../src/errors.ts')) as Record<string, unknown>;
    const catalog = new Set(
      Object.values(errors).flatMap((e) => (typeof e === 'function' && e.prototype instanceof Error ? [new (e as new () => { code: string })().code] : [])),
    );
    const cited = [...new Set(page.match(/VERDICT_[A-Z_]+(?=`| )/g) ?? [])].filter(
      (code) => !['VERDICT_ADMIN_KEYS', 'VERDICT_API_KEYS', 'VERDICT_OPEN_REGISTRATION', 'VERDICT_KEY'].includes(code),
    );
    expect(cited.length).toBeGreaterThan(10);
    expect(cited.filter((code) => !catalog.has(code))).toEqual([]);
    // Every `SCREAMING_SNAKE` name in backticks is a variable of the schema or an error code (VERDICT_KEY: the Python client's).
    const named = new Set([...page.matchAll(/`([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)`/g)].map((m) => m[1]));
    expect([...named].filter((name) => !(name in properties) && !catalog.has(name) && name !== 'VERDICT_KEY')).toEqual([]);
  });
});
