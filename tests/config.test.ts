/** Configuration from the environment: defaults, parsing, and errors that name the variable. */
import fs from 'node:fs';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { defaults, loadConfig } from '../src/config.ts';
import { resolveSandboxOptions } from '../src/sandbox/options.ts';

describe('loadConfig', () => {
  it('uses the embedded defaults with an empty environment', () => {
    expect(loadConfig({})).toMatchObject({ host: '127.0.0.1', port: 8080, cellTimeoutMs: 5_000 });
  });

  it('reads every integer variable', () => {
    const config = loadConfig({ PORT: '9000', POOL_SIZE: '3', MAX_COMPLETIONS: '10', WORKER_NICENESS: '0', REWARD_MODULES: 'a.ts, b.ts' });
    expect(config).toMatchObject({ port: 9000, poolSize: 3, maxCompletions: 10, workerNiceness: 0, rewardModules: ['a.ts', 'b.ts'] });
  });

  const bad: Array<[string, Record<string, string>, RegExp]> = [
    ['not a number', { POOL_SIZE: 'two' }, /POOL_SIZE must be an integer >= 1/],
    ['below the minimum', { MAX_CELLS: '0' }, /MAX_CELLS must be an integer >= 1/],
    ['a fraction', { PORT: '80.5' }, /PORT must be an integer/],
    ['a negative niceness (raising priority needs privilege)', { WORKER_NICENESS: '-5' }, /WORKER_NICENESS must be an integer >= 0/],
    ['default deadline above the cap', { CELL_TIMEOUT_MS: '90000' }, /exceeds MAX_CELL_TIMEOUT_MS/],
    ['a headers deadline above the whole request deadline', { HEADERS_TIMEOUT_MS: '200000' }, /exceeds REQUEST_TIMEOUT_MS/],
    ['registration opened with a word other than on or off', { VERDICT_OPEN_REGISTRATION: 'yes' }, /VERDICT_OPEN_REGISTRATION must be "on" or "off"/],
  ];
  it.each(bad)('rejects %s, naming the variable', (_why, env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('keeps the defaults object untouched', () => {
    loadConfig({ PORT: '1' });
    expect(defaults.port).toBe(8080);
  });

  it('is documented: .env.example and the README name every variable it reads, and the example holds the defaults', () => {
    const read = new Set<string>();
    loadConfig(new Proxy({}, { get: (_env, name) => (read.add(String(name)), undefined) }));
    const example = parseEnv(fs.readFileSync(new URL('../.env.example', import.meta.url), 'utf8'));
    expect(Object.keys(example).sort()).toEqual([...read].sort());
    const effective = (env: Record<string, string | undefined>) => {
      const config = loadConfig(env);
      return { ...config, sandbox: resolveSandboxOptions(config.sandbox) };
    };
    expect(effective(example)).toEqual(effective({}));
    const readme = fs.readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect([...read].filter((name) => !readme.includes(`\`${name}\``))).toEqual([]);
  });

  it('is bounded in docs/security.md: the page names every variable, and every error code it cites exists', async () => {
    const read = new Set<string>();
    loadConfig(new Proxy({}, { get: (_env, name) => (read.add(String(name)), undefined) }));
    const page = fs.readFileSync(new URL('../docs/security.md', import.meta.url), 'utf8');
    expect([...read].filter((name) => !page.includes(`\`${name}\``))).toEqual([]);
    const errors = (await import('../src/errors.ts')) as Record<string, unknown>;
    const catalog = new Set(
      Object.entries(errors).flatMap(([name, e]) => (name !== 'withDetails' && typeof e === 'function' ? [new (e as new () => { code: string })().code] : [])),
    );
    const cited = [...new Set(page.match(/VERDICT_[A-Z_]+(?=`| )/g) ?? [])].filter(
      (code) => !['VERDICT_ADMIN_KEYS', 'VERDICT_API_KEYS', 'VERDICT_OPEN_REGISTRATION', 'VERDICT_KEY'].includes(code),
    );
    expect(cited.length).toBeGreaterThan(10);
    expect(cited.filter((code) => !catalog.has(code))).toEqual([]);
  });
});
