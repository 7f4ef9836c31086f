/**
 * A hostile caller on a shared training cluster, beyond issue 15's list:
 * Idempotency-Key reuse across callers and its memory, metrics label
 * cardinality, the docs routes' static files, huge numbers of groups and
 * rule lists, odd Authorization headers, URL keys where they are not read.
 */
import type { FastifyInstance, InjectOptions } from 'fastify';
import { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerOf } from '../src/caller.ts';
import { createIdempotencyStore } from '../src/idempotency.ts';
import { buildTestApp } from './helpers.ts';

const A = 'caller-a-key-0123456789';
const B = 'caller-b-key-0123456789';
const good = '<think>2+2</think> 4';

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildTestApp({ poolSize: 1, sandboxPoolSize: 1, pythonSandbox: 'off', apiKeys: [A, B], maxCompletions: 20_000, maxCells: 140_000 });
});
afterAll(() => app?.close());

const as = (key: string, payload: object, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/v1/score', payload, headers: { authorization: `Bearer ${key}`, ...headers } });

describe('Idempotency-Key', () => {
  const body = { rewards: [{ id: 'think-format' }], groups: [{ completions: [good, 'x'] }] };

  it("is matched within one caller: another caller's key neither replays nor blocks", async () => {
    const first = await as(A, body, { 'idempotency-key': 'step-7' });
    expect(first.statusCode).toBe(200);
    // B guesses A's key with another body: before, a 422 told B the key was taken (and blocked A's retries with B's body first)
    const other = await as(B, { ...body, groups: [{ completions: ['other'] }] }, { 'idempotency-key': 'step-7' });
    expect(other.statusCode).toBe(200);
    expect(other.headers['idempotent-replayed']).toBeUndefined();
    // B with A's exact body is scored for B, not handed A's stored answer
    const same = await as(B, body, { 'idempotency-key': 'step-7' });
    expect(same.headers['idempotent-replayed']).toBeUndefined();
    const retry = await as(A, body, { 'idempotency-key': 'step-7' });
    expect(retry.headers['idempotent-replayed']).toBe('true');
  });

  it('keeps at most IDEMPOTENCY_LIMIT_BYTES of answers; the oldest go first, one larger than the limit is not kept', async () => {
    const store = createIdempotencyStore({ ttlMs: 60_000, maxBytes: 10_000 });
    let computed = 0;
    const answer = (bytes: number) => async () => ({ computed: ++computed, json: Buffer.alloc(bytes) });
    const size = (r: { json: Buffer }) => r.json.length;
    for (let i = 0; i < 5; i++) await store.run('c', `k${i}`, { i }, answer(3_000), size);
    const again = async (i: number) => (await store.run('c', `k${i}`, { i }, answer(3_000), size)).replayed;
    expect(await again(4)).toBe(true); // the newest three fit in 10,000 bytes
    expect(await again(0)).toBe(false); // the oldest was dropped: scored again
    await store.run('c', 'huge', {}, answer(20_000), size);
    expect((await store.run('c', 'huge', {}, answer(20_000), size)).replayed).toBe(false);
  });

  // A trainer keeps one answer for its retry while another caller (`verdict score --url` sends a key
  // per chunk) stores many: [why, limits, the other's answers, their size in bytes].
  const flood: Array<[string, { maxBytes: number; callers?: number }, number, number]> = [
    ['past its own MAX_KEYS (1,000), the other evicts only its own keys', { maxBytes: 1 << 30, callers: 2 }, 1_001, 10],
    ['past its share of the bytes (half, with two keys), the other evicts only its own answers', { maxBytes: 12_000, callers: 2 }, 5, 2_500],
    ['with no keys configured, past the global ceiling, the other keeps nothing new rather than evict', { maxBytes: 12_000 }, 5, 2_500],
  ];
  it.each(flood)("is bounded per caller: %s; the trainer's answer is still replayed", async (_why, limits, answers, bytes) => {
    const store = createIdempotencyStore({ ttlMs: 60_000, ...limits });
    const answer = (n: number) => async () => ({ json: Buffer.alloc(n) });
    const size = (r: { json: Buffer }) => r.json.length;
    const replayed = async (caller: string, key: string, n = bytes) => (await store.run(caller, key, { key }, answer(n), size)).replayed;
    await store.run('trainer', 'step-1', { key: 'step-1' }, answer(4_000), size);
    for (let i = 0; i < answers; i++) await store.run('cli', `chunk-${i}`, { key: `chunk-${i}` }, answer(bytes), size);
    expect(await replayed('trainer', 'step-1', 4_000)).toBe(true);
    expect(await replayed('cli', 'chunk-0')).toBe(false); // the other's oldest went, not the trainer's
  });

  it("keeps another caller's answers through the server: two keys, each its share of IDEMPOTENCY_LIMIT_BYTES", async () => {
    // Three small answers (each counted as 1 KiB at least) per key.
    const small = await buildTestApp({ poolSize: 1, sandboxPoolSize: 1, pythonSandbox: 'off', apiKeys: [A, B], idempotencyLimitBytes: 2 * 3 * 1_024 });
    try {
      const post = (key: string, idempotencyKey: string, completions: string[]) =>
        small.inject({
          method: 'POST',
          url: '/v1/score',
          payload: { rewards: [{ id: 'think-format' }], groups: [{ completions }] },
          headers: { authorization: `Bearer ${key}`, 'idempotency-key': idempotencyKey },
        });
      expect((await post(A, 'trainer-step', [good])).statusCode).toBe(200);
      for (let i = 0; i < 30; i++) expect((await post(B, `chunk-${i}`, [`chunk ${i}`])).statusCode).toBe(200);
      expect((await post(A, 'trainer-step', [good])).headers['idempotent-replayed']).toBe('true');
      expect((await post(B, 'chunk-29', ['chunk 29'])).headers['idempotent-replayed']).toBe('true');
      expect((await post(B, 'chunk-0', ['chunk 0'])).headers['idempotent-replayed']).toBeUndefined();
    } finally {
      await small.close();
    }
  });
});

// One identity per request, two scopes derived from it: fair shares follow a key across connections, or
// else the connection; retries follow a key, or else every keyless caller's one scope.
describe('the caller', () => {
  const [one, two] = [new Socket(), new Socket()];
  // [why, first caller, second caller, same fairness, same idempotency scope]
  const rows: Array<[string, ReturnType<typeof callerOf>, ReturnType<typeof callerOf>, boolean, boolean]> = [
    ['one key on two connections is one caller', callerOf('k1', one), callerOf('k1', two), true, true],
    ['two keys on one connection are two callers', callerOf('k1', one), callerOf('k2', one), false, false],
    ['keyless on one connection: one share', callerOf(undefined, one), callerOf(undefined, one), true, true],
    // a keyless retry comes on a new connection: it must still find its answer, while its share is the connection's
    ['keyless on two connections: two shares, one retry scope', callerOf(undefined, one), callerOf(undefined, two), false, true],
    // a key whose digest read "anonymous" or "conn:1" must not share with keyless callers
    ['a key never shares with a connection', callerOf('conn:1', one), callerOf(undefined, one), false, false],
  ];
  it.each(rows)('%s', (_why, a, b, sameShare, sameRetries) => {
    expect(a.fairness === b.fairness).toBe(sameShare);
    expect(a.idempotency === b.idempotency).toBe(sameRetries);
  });
});

describe('metrics', () => {
  it('labels requests by declared route, never by the path or method text sent', async () => {
    for (let i = 0; i < 30; i++) {
      await app.inject({ method: 'GET', url: `/v1/rewards/attacker-${i}`, headers: { authorization: `Bearer ${A}` } });
      await app.inject({ method: 'GET', url: `/nope-${i}/%2e%2e/${'x'.repeat(i)}` });
      await app.inject({ method: 'PROPFIND' as 'GET', url: `/v1/score?${i}` });
    }
    const text = (await app.inject({ url: '/metrics' })).body;
    const routes = new Set([...text.matchAll(/verdict_http_request_duration_seconds_count\{route="([^"]*)"/g)].map((m) => m[1]));
    expect([...routes].filter((r) => r.includes('attacker') || r.includes('nope'))).toEqual([]);
    expect(routes).toContain('/v1/rewards/:id');
    expect(routes).toContain('unmatched');
    expect(routes.size).toBeLessThan(20);
  });
});

describe('docs routes', () => {
  // [why, url]: Swagger UI's static files are served from one directory; nothing else is
  const traversal: Array<[string, string]> = [
    ['encoded dot-dot to package.json', '/docs/static/..%2f..%2f..%2fpackage.json'],
    ['plain dot-dot', '/docs/static/../../../package.json'],
    ['double-encoded dot-dot', '/docs/static/%252e%252e/%252e%252e/package.json'],
    ['the server source', '/docs/static/..%2f..%2f..%2fsrc%2fconfig.ts'],
    ['an absolute path', '/docs/static//etc/passwd'],
  ];
  it.each(traversal)('serves no file outside Swagger UI for %s', async (_why, url) => {
    const response = await app.inject({ url });
    expect(response.body).not.toContain('"dependencies"');
    expect(response.body).not.toContain('root:');
    expect(response.body).not.toContain('loadConfig');
    expect(response.statusCode).not.toBe(500);
  });
});

describe('sizes a caller controls', () => {
  it('scores 16,384 groups of one completion, each with its own rule list, as one request', { timeout: 300_000 }, async () => {
    const groups = Array.from({ length: 16_384 }, (_, i) => ({
      id: `g${i}`,
      rewards: [{ id: 'think-format' }, { id: 'tag-count', weight: 0.5 }],
      completions: [i % 2 ? good : 'x'],
    }));
    const response = await as(A, { groups, advantages: { method: 'none' } });
    expect(response.statusCode).toBe(200);
    expect(response.json().groups).toHaveLength(16_384);
  });

  it('refuses a rule list whose cells pass MAX_CELLS before scoring anything', { timeout: 300_000 }, async () => {
    const rewards = Array.from({ length: 140_001 }, (_, i) => ({ id: 'think-format', name: `r${i}` }));
    const response = await as(A, { rewards, groups: [{ completions: [good] }] });
    expect(response.statusCode).toBe(413);
    expect(response.json().code).toBe('VERDICT_TOO_MANY_CELLS');
  });

  // [why, Authorization header]: each is no key, never a crash or a pass
  const headers: Array<[string, string]> = [
    ['an empty bearer', 'Bearer '],
    ['two keys', `Bearer ${A} ${B}`],
    ['a key with a comma (keys are split on commas when configured)', `Bearer ${A},${B}`],
    ['a prefix of a valid key', `Bearer ${A.slice(0, -1)}`],
    ['a valid key with a NUL appended', `Bearer ${A}\u0000`],
    ['a 15 kB key', `Bearer ${'k'.repeat(15_000)}`],
    ['Basic with the key as password', `Basic ${Buffer.from(`x:${A}`).toString('base64')}`],
  ];
  it.each(headers)('refuses %s with 401', async (_why, authorization) => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/score',
      payload: { rewards: [{ id: 'think-format' }], groups: [{ completions: [good] }] },
      headers: { authorization },
    });
    expect(response.statusCode).toBe(401);
  });

  it('reads ?api_key= only on routes that declare it, and a repeated one is no key', async () => {
    const payload = { rewards: [{ id: 'think-format' }], groups: [{ completions: [good] }] };
    expect((await app.inject({ method: 'POST', url: `/v1/score?api_key=${A}`, payload })).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: `/v1/openrlhf?api_key=${A}`, payload: { query: [good], labels: ['4'] } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: `/v1/openrlhf?api_key=${A}&api_key=${A}`, payload: { query: [good] } })).statusCode).toBe(401);
  });
});

describe("fastify's own 400s say where", () => {
  // [why, request, message, detail]: the query string and headers are not the body
  const cases: Array<[string, InjectOptions, string, object]> = [
    [
      'an unknown query parameter',
      { method: 'GET', url: '/v1/rewards?foo=1' },
      'the query parameters must NOT have additional properties (foo)',
      { pointer: '', in: 'querystring' },
    ],
    [
      'a query value outside its enum',
      { method: 'GET', url: '/v1/rewards?include_deprecated=maybe' },
      'query parameter include_deprecated must be equal to one of the allowed values',
      { pointer: '/include_deprecated', in: 'querystring' },
    ],
    [
      'an Idempotency-Key over 256 characters',
      {
        method: 'POST',
        url: '/v1/score',
        headers: { 'idempotency-key': 'k'.repeat(300) },
        payload: { rewards: [{ id: 'think-format' }], groups: [{ completions: ['a'] }] },
      },
      'header idempotency-key must NOT have more than 256 characters',
      { in: 'headers' },
    ],
  ];
  it.each(cases)('%s', async (_why, request, message, detail) => {
    const response = await app.inject({ ...request, headers: { authorization: `Bearer ${A}`, ...request.headers } });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'VERDICT_INVALID_REQUEST', message: `Invalid request: ${message}`, details: [detail] });
  });
});
