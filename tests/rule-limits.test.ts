/**
 * What a registered rule may cost, and what stored content can do to reads:
 * composites are counted (leaves per rule, nesting depth, every leaf a cell
 * toward MAX_CELLS), a definition is bounded with its examples and the store
 * as a whole, the listing stays small and answers whatever is stored, and
 * deprecation and purge behave as docs/security.md says.
 * Regressions: 16 sub-rules per level reached 16^depth leaves (44 s to
 * register, 83 s to score at depth 6, 500 at depth 7); 12 large examples made
 * GET /v1/rewards answer 500 for good; re-registering after DELETE left the
 * rule deprecated; deprecated versions counted toward MAX_RULES for ever.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, score } from './helpers.ts';
import { tempDir } from './storage-backends.ts';

const good = '<think>2+2</think> 4';
const passing = [{ completion: good, expected: 1 }];
const names = 'abcdefghijklmnop'.split(''); // 16: the schema's most sub-rules per composite
const composite = (id: string, sub: string, count = 16, extra: object = {}) => ({
  id,
  kind: 'composite',
  rules: Object.fromEntries(names.slice(0, count).map((n) => [n, { id: sub }])),
  formula: `(${names.slice(0, count).join(' + ')}) / ${count}`,
  examples: passing,
  ...extra,
});

const dataDir = tempDir();
let app: FastifyInstance;
const post = (url: string, payload: object) => app.inject({ method: 'POST', url, payload });
const get = (url: string) => app.inject({ method: 'GET', url });

beforeAll(async () => {
  app = await buildTestApp({ dataDir, poolSize: 1, sandboxPoolSize: 1, sandbox: { python: false }, maxCells: 200, maxRules: 40 });
});
afterAll(() => app?.close());

describe('composites are counted', () => {
  it('registers 16 leaves, refuses 16 x 16 at the sub-rule that passes MAX_RULE_LEAVES (64)', async () => {
    expect((await post('/v1/rewards', composite('c16', 'think-format'))).statusCode).toBe(201);
    const response = await post('/v1/rewards', composite('c256', 'c16'));
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'VERDICT_RULE_TOO_COMPLEX', details: [{ pointer: '/rules/e' }] }); // 5 x 16 = 80 > 64
    expect(response.json().message).toContain('MAX_RULE_LEAVES');
    expect((await get('/v1/rewards/c256')).statusCode).toBe(404);
  });

  it('refuses composites nested deeper than MAX_RULE_DEPTH (8)', async () => {
    let sub = 'think-format';
    for (let depth = 1; depth <= 8; depth++) {
      const response = await post('/v1/rewards', composite(`deep${depth}`, sub, 1));
      expect(response.statusCode, response.body).toBe(201);
      sub = `deep${depth}`;
    }
    const response = await post('/v1/rewards', composite('deep9', sub, 1));
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'VERDICT_RULE_TOO_COMPLEX', details: [{ pointer: '/rules/a' }] });
    expect(response.json().message).toContain('MAX_RULE_DEPTH');
  });

  // [why, completions, status]: c16 has 16 leaves, so a completion costs 16 cells of MAX_CELLS (200)
  const cells: Array<[string, number, number]> = [
    ['12 completions x 16 leaves = 192 cells: within', 12, 200],
    ['13 completions x 16 leaves = 208 cells: over (counted as 13 before)', 13, 413],
  ];
  it.each(cells)('%s', async (_why, completions, status) => {
    const response = await score(app, { rewards: [{ id: 'c16' }], groups: [{ completions: Array(completions).fill(good) }] });
    expect(response.status).toBe(status);
    if (status === 413) expect(response.body).toMatchObject({ code: 'VERDICT_TOO_MANY_CELLS', message: expect.stringContaining('208 cells') });
    else expect(response.body.groups[0].completions[0].rewards.c16.score).toBe(1);
  });

  it('answers a stored rule beyond a lowered limit with 400 at the request pointer, not a 500', { timeout: 300_000 }, async () => {
    const strict = await buildTestApp({ dataDir, poolSize: 1, sandboxPoolSize: 1, sandbox: { python: false }, maxRuleLeaves: 8 });
    try {
      const response = await score(strict, { rewards: [{ id: 'think-format' }, { id: 'c16' }], groups: [{ completions: [good] }] });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ code: 'VERDICT_RULE_TOO_COMPLEX', details: [{ pointer: '/rewards/1/id' }] });
      expect((await strict.inject({ url: '/v1/rewards' })).statusCode).toBe(200);
    } finally {
      await strict.close();
    }
  });
});

describe('definition size and stored content', () => {
  it('bounds a definition with its examples (MAX_RULE_BYTES), not only its source', async () => {
    const big = 'x'.repeat(100_000);
    const examples = [0, 1, 2].map((i) => ({ name: `big ${i}`, completion: `${good}${big}`, expected: 1 }));
    const response = await post('/v1/rewards', { id: 'big-examples', kind: 'preset', rule: 'think-format', examples });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ code: 'VERDICT_RULE_TOO_LARGE', message: expect.stringContaining('MAX_RULE_BYTES') });
  });

  it('lists whatever is stored: huge legacy examples, a row that is not JSON, a kind this server does not know', async () => {
    const db = new Database(path.join(dataDir, 'rules.sqlite'));
    const insert = db.prepare('INSERT INTO rule_versions (id, version, kind, definition, hash, created_at) VALUES (?, 1, ?, ?, ?, ?)');
    const now = new Date().toISOString();
    const huge = {
      kind: 'preset',
      rule: 'think-format',
      range: [0, 1],
      examples: Array.from({ length: 12 }, () => ({ completion: 'y'.repeat(1_000_000), expected: 1 })),
    };
    insert.run('legacy-huge', 'preset', JSON.stringify(huge), 'sha256:h', now);
    insert.run('legacy-corrupt', 'preset', '{"kind": "preset", "rule": ', 'sha256:c', now);
    insert.run('legacy-future', 'llm-judge', JSON.stringify({ kind: 'llm-judge', range: ['a', 'b'], examples: 'oops', description: 7 }), 'sha256:f', now);
    db.close();
    let listing = await get('/v1/rewards');
    for (let i = 0; i < 400 && !listing.body.includes('legacy-future'); i++) {
      await new Promise((r) => setTimeout(r, 50)); // the store notices another writer within 250 ms
      listing = await get('/v1/rewards');
    }
    expect(listing.statusCode).toBe(200);
    expect(listing.body.length).toBeLessThan(200_000); // 12 MB of examples stored; the listing does not carry them
    const byId = new Map(listing.json().rewards.map((r: { id: string }) => [r.id, r]));
    expect(byId.get('legacy-corrupt')).toMatchObject({ unreadable: expect.stringContaining('cannot be read') });
    expect(byId.get('legacy-future')).toMatchObject({ kind: 'llm-judge', range: [0, 1], description: 'llm-judge rule' });

    expect((await get('/v1/rewards/legacy-huge')).json().examples).toHaveLength(12);
    for (const [id, i] of [
      ['legacy-corrupt', 0],
      ['legacy-future', 1],
    ] as const) {
      const rewards = [{ id: 'think-format' }, { id: 'think-format', name: 'again' }];
      rewards[i] = { id } as { id: string; name: string };
      const response = await score(app, { rewards, groups: [{ completions: [good] }] });
      expect(response.status, id).toBe(400);
      expect(response.body.details[0].pointer).toBe(`/rewards/${i}/id`);
      expect(response.body.message).toContain(`stored rule ${id}@1`);
    }
  });
});

describe('deprecation and purge', () => {
  const preset = (id: string) => ({ id, kind: 'preset', rule: 'think-format', examples: passing });

  it('re-registering the same content after DELETE makes a new, live version', async () => {
    expect((await post('/v1/rewards', preset('revived'))).statusCode).toBe(201);
    expect((await app.inject({ method: 'DELETE', url: '/v1/rewards/revived' })).statusCode).toBe(200);
    const again = await post('/v1/rewards', preset('revived'));
    expect(again.statusCode).toBe(201);
    expect(again.json()).toMatchObject({ version: 2, created: true });
    expect((await get('/v1/rewards/revived')).json()).toMatchObject({ version: 2, deprecated: false, versions: [1, 2] });
    expect((await score(app, { rewards: [{ id: 'revived' }], groups: [{ completions: [good] }] })).status).toBe(200);
    // and a retry of that registration is still a retry
    expect((await post('/v1/rewards', preset('revived'))).json()).toMatchObject({ version: 2, created: false });
  });

  it('counts deprecated versions toward MAX_RULES until purged; a purge frees them and never reuses a number', async () => {
    const stored = () => get('/v1/rewards?include_deprecated=true').then((r) => r.json().rewards.filter((x: { kind: string }) => x.kind !== 'builtin'));
    const used = (await stored()).reduce((n: number, r: { versions: number[] }) => n + r.versions.length, 0);
    for (let i = 0; used + i < 40; i++) expect((await post('/v1/rewards', preset(`filler-${i}`))).statusCode).toBe(201);
    expect((await post('/v1/rewards', preset('one-too-many'))).json()).toMatchObject({
      code: 'VERDICT_RULE_LIMIT',
      message: expect.stringContaining('MAX_RULES'),
    });
    expect((await app.inject({ method: 'DELETE', url: '/v1/rewards/filler-0' })).statusCode).toBe(200);
    expect((await post('/v1/rewards', preset('one-too-many'))).statusCode).toBe(409); // deprecated still counts

    const purged = await app.inject({ method: 'DELETE', url: '/v1/rewards/filler-0?purge=true' });
    expect(purged.json()).toEqual({ id: 'filler-0', deprecated: true, versions: 1, purged: true });
    expect((await post('/v1/rewards', preset('one-too-many'))).statusCode).toBe(201);
    const pinned = await score(app, { rewards: [{ id: 'filler-0@1' }], groups: [{ completions: [good] }] });
    expect(pinned).toMatchObject({ status: 400, body: { code: 'VERDICT_UNKNOWN_REWARD' } });
    expect((await get('/v1/rewards/filler-0')).statusCode).toBe(404);
    expect((await app.inject({ method: 'DELETE', url: '/v1/rewards/one-too-many?purge=true' })).statusCode).toBe(200);
    const back = await post('/v1/rewards', preset('filler-0'));
    expect(back.json()).toMatchObject({ version: 2 }); // filler-0@1 named another rule once: never again
  });

  it('refuses to purge a rule another stored rule pins, naming it', async () => {
    const response = await app.inject({ method: 'DELETE', url: '/v1/rewards/deep1?purge=true' });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ code: 'VERDICT_RULE_IN_USE', message: expect.stringContaining('deep2@1') });
    expect((await score(app, { rewards: [{ id: 'deep1' }], groups: [{ completions: [good] }] })).status).toBe(200);
  });
});
