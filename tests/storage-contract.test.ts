/**
 * One contract for both rule stores (SQLite and PostgreSQL): versions are
 * append-only and numbered without gaps, a retried registration does not make
 * a new version, limits hold, deprecation persists, rules survive a restart,
 * and a second replica on the same storage sees a new rule within one second.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RuleStore } from '../src/storage/rule-store.ts';
import { createRuleStore } from '../src/storage/create-rule-store.ts';
import { buildTestApp } from './helpers.ts';
import { backends, type Backend } from './storage-backends.ts';

const limits = (maxRules: number) => ({ maxRules, maxStoreBytes: 1 << 30 });
const rule = (hash: string) => ({ id: 'r', kind: 'preset', definition: { kind: 'preset', rule: 'think-format', hash }, hash });

/** A preset registration whose examples pass; `n` makes its content (and hash) distinct. */
function registration(id: string, n = 0) {
  return {
    id,
    kind: 'preset',
    description: `strict format #${n}`,
    rule: 'think-format',
    params: { answer_tag: true },
    examples: [{ completion: '<think>a</think><answer>4</answer>', expected: 1 }],
  };
}

async function waitFor(check: () => Promise<boolean>, limitMs: number): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > limitMs) throw new Error(`not visible within ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Date.now() - started;
}

describe.each(backends)('%s rule store', (name, make, available) => {
  let backend: Backend;
  let store: RuleStore;
  beforeAll(async () => {
    if (!available) return;
    backend = await make();
    store = await createRuleStore(backend.config);
  });
  afterAll(async () => {
    await store?.close();
    await backend?.cleanup();
  });

  describe.skipIf(!available)('store interface', () => {
    it('numbers versions from 1 without gaps, even when appends race', async () => {
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => store.append(rule(`h${i}`), limits(1000))));
      expect(results.map((r) => r.rule.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect((await store.versionsOf('r')).map((v) => v.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    });

    it('treats the same content as the latest version as a retry (no new version)', async () => {
      const latest = (await store.versionsOf('r')).at(-1)!;
      const again = await store.append({ ...rule(latest.hash), definition: latest.definition }, limits(1000));
      expect(again).toMatchObject({ created: false, rule: { version: latest.version, hash: latest.hash } });
    });

    it('returns what it stored: definition, hash, ISO time, not deprecated', async () => {
      const [first] = await store.versionsOf('r');
      expect(first).toMatchObject({ id: 'r', version: 1, kind: 'preset', hash: 'h0', deprecated: false, purged: false });
      expect(first.definition).toEqual({ kind: 'preset', rule: 'think-format', hash: 'h0' });
      expect(new Date(first.createdAt).toISOString()).toBe(first.createdAt);
    });

    it('refuses a version beyond MAX_RULES with VERDICT_RULE_LIMIT', async () => {
      const stored = (await store.loadAll()).length;
      await expect(store.append(rule('over'), limits(stored))).rejects.toMatchObject({ code: 'VERDICT_RULE_LIMIT', statusCode: 409 });
    });

    it('deprecates every version of an id, and reports 0 for an unknown id', async () => {
      expect(await store.deprecate('r')).toBe(8);
      expect((await store.versionsOf('r')).every((v) => v.deprecated)).toBe(true);
      expect(await store.deprecate('nope')).toBe(0);
    });

    it('makes a new version when the same content is registered after a deprecation', async () => {
      const latest = (await store.versionsOf('r')).at(-1)!;
      const again = await store.append({ ...rule(latest.hash), definition: latest.definition }, limits(1000));
      expect(again).toMatchObject({ created: true, rule: { version: 9, deprecated: false } });
    });

    it('counts the bytes of stored definitions (MAX_RULE_STORE_BYTES)', async () => {
      const big = { ...rule('big'), id: 'big', definition: { kind: 'preset', pad: 'x'.repeat(10_000) } };
      await expect(store.append(big, { maxRules: 1000, maxStoreBytes: 10_000 })).rejects.toMatchObject({
        code: 'VERDICT_RULE_LIMIT',
        message: expect.stringContaining('MAX_RULE_STORE_BYTES'),
      });
    });

    it('refuses to purge an id another stored rule pins, then purges it once unpinned: numbers stay taken, limits are freed', async () => {
      const pinning = { id: 'pins-r', kind: 'composite', definition: { kind: 'composite', rules: { x: { id: 'r@2' } } }, hash: 'p' };
      await store.append(pinning, limits(1000));
      await expect(store.purge('r')).rejects.toMatchObject({ code: 'VERDICT_RULE_IN_USE', statusCode: 409, message: expect.stringContaining('pins-r@1') });
      expect(await store.purge('pins-r')).toBe(1);
      const before = (await store.loadAll()).filter((v) => !v.purged).length;
      expect(await store.purge('r')).toBe(9);
      const versions = await store.versionsOf('r');
      expect(versions.every((v) => v.purged && v.deprecated)).toBe(true);
      expect(versions[0].definition).toEqual({});
      expect((await store.loadAll()).filter((v) => !v.purged).length).toBe(before - 9);
      // the store is full at one live version, yet r's next number is 10: purged numbers are never reused
      const next = await store.append(rule('after-purge'), limits((await store.loadAll()).filter((v) => !v.purged).length + 1));
      expect(next.rule.version).toBe(10);
    });
  });

  describe.skipIf(!available)('through HTTP, two replicas on one storage', () => {
    let a: FastifyInstance;
    let b: FastifyInstance;
    beforeAll(async () => {
      const overrides = { ...backend.config, poolSize: 1, sandboxPoolSize: 1 };
      [a, b] = await Promise.all([buildTestApp(overrides), buildTestApp(overrides)]);
      // Warm up: the first answer of a route compiles its serializer, which would count against the 1 s.
      await Promise.all([a, b].map((app) => app.inject({ method: 'GET', url: '/v1/rewards/think-format' })));
    });
    afterAll(async () => {
      await Promise.all([a?.close(), b?.close()]);
    });

    it('shows a rule registered on replica A on replica B within one second', async () => {
      const registered = await a.inject({ method: 'POST', url: '/v1/rewards', payload: registration('seen-elsewhere') });
      expect(registered.statusCode).toBe(201);
      const ms = await waitFor(async () => (await b.inject({ method: 'GET', url: '/v1/rewards/seen-elsewhere' })).statusCode === 200, 1000);
      expect(ms).toBeLessThan(1000);
      console.log(`${name}: a rule registered on replica A was visible on replica B after ${ms} ms`);
      const scored = await b.inject({
        method: 'POST',
        url: '/v1/score',
        payload: { rewards: [{ id: 'seen-elsewhere' }], groups: [{ completions: ['<think>a</think><answer>4</answer>'] }] },
      });
      expect(scored.json().groups[0].completions[0].rewards['seen-elsewhere']).toMatchObject({ score: 1, version: 'seen-elsewhere@1' });
    });

    it('shows a new version and a deprecation on replica B within one second', async () => {
      expect((await a.inject({ method: 'POST', url: '/v1/rewards', payload: registration('seen-elsewhere', 2) })).statusCode).toBe(201);
      await waitFor(async () => (await b.inject({ method: 'GET', url: '/v1/rewards/seen-elsewhere' })).json().version === 2, 1000);
      expect((await a.inject({ method: 'DELETE', url: '/v1/rewards/seen-elsewhere' })).statusCode).toBe(200);
      await waitFor(async () => (await b.inject({ method: 'GET', url: '/v1/rewards/seen-elsewhere' })).json().deprecated === true, 1000);
    });

    it('keeps every version, hash and deprecation across a restart', async () => {
      const before = (await a.inject({ method: 'GET', url: '/v1/rewards/seen-elsewhere' })).json();
      await a.close();
      a = await buildTestApp({ ...backend.config, poolSize: 1, sandboxPoolSize: 1 });
      const after = (await a.inject({ method: 'GET', url: '/v1/rewards/seen-elsewhere' })).json();
      expect(after).toEqual(before);
      expect(after).toMatchObject({ version: 2, versions: [1, 2], deprecated: true });
    });
  });
});
