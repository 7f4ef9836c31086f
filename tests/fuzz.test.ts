/**
 * Property-based fuzzing of the HTTP API (issue 7): over 10,000 malformed or
 * hostile requests through `inject` on one app. Every answer must be a 4xx
 * with the catalog error body, or a 2xx whose body keeps the basic
 * invariants (one result per completion and rule, scores null or in range);
 * never a 5xx, never a hang; and the server still answers afterwards.
 * FUZZ_SEED=<n> replays a run (fast-check prints the seed of a failure).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from './helpers.ts';
import {
  deepNode,
  editPath,
  hostileString,
  jsonNode,
  mutate,
  mutation,
  pathEdit,
  plant,
  protectedRoutes,
  protoKeys,
  rawLiteral,
  render,
  ruleIds,
  toNode,
  validRequest,
  type Node,
} from './fuzz-inputs.ts';

const ANSWER_WITHIN_MS = 10_000; // a request with no answer by then counts as a hang
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'verdict-fuzz-'));
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;

let app: FastifyInstance;
let ranges: Map<string, [number, number]>;
let sent = 0;
const jobIds: string[] = [];

beforeAll(async () => {
  app = await buildTestApp({
    dataDir,
    bodyLimitBytes: 1024 * 1024, // huge strings land on both sides of the limit
    maxCompletions: 256,
    cellTimeoutMs: 2_000, // bounds a pathological cell; a timeout is still a valid 2xx
    maxJobs: 100_000, // the jobs cap is a designed 503: keep it out of reach
    sandboxPoolSize: 1,
    sandbox: { python: false },
  });
  const list = (await app.inject({ url: '/v1/rewards' })).json() as { rewards: Array<{ id: string; range: [number, number] }> };
  ranges = new Map(list.rewards.map((r) => [r.id, r.range]));
});
afterAll(async () => {
  await app?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function send(options: InjectOptions): Promise<LightMyRequestResponse> {
  sent++;
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ANSWER_WITHIN_MS} ms: ${describeRequest(options)}`)), ANSWER_WITHIN_MS);
  });
  try {
    return await Promise.race([app.inject(options), hang]);
  } finally {
    clearTimeout(timer);
  }
}

function describeRequest(options: InjectOptions): string {
  const payload = typeof options.payload === 'string' ? options.payload : String(options.payload ?? '');
  return `${options.method ?? 'GET'} ${options.url} (${payload.length} chars) ${payload.slice(0, 200)}`;
}

/** The property itself: a 4xx with the catalog body, or a 2xx that keeps the invariants; never a 5xx. */
async function sendAndCheck(options: InjectOptions): Promise<void> {
  const response = await send(options);
  const status = response.statusCode;
  const where = `${status} for ${describeRequest(options)} -> ${response.body.slice(0, 300)}`;
  expect(status, where).toBeLessThan(500);
  if (status >= 400) {
    const body = response.json();
    expect(body, where).toMatchObject({ statusCode: status, code: expect.stringMatching(/^VERDICT_/), error: expect.any(String), message: expect.any(String) });
    return;
  }
  if (options.url === '/v1/score' && options.method === 'POST') checkScored(JSON.parse(String(options.payload)), response, where);
  if (options.url === '/v1/jobs' && options.method === 'POST') jobIds.push(response.json().id);
}

interface RequestShape {
  rewards?: Array<{ id: string; name?: string }>;
  groups: Array<{ rewards?: Array<{ id: string; name?: string }>; completions: unknown[] }>;
}

interface GroupShape {
  completions: Array<{ reward: number | null; rewards: Record<string, { score: number | null; version: string }> }>;
  advantages: number[];
}

function checkScored(request: RequestShape, response: LightMyRequestResponse, where: string): void {
  let groups: GroupShape[];
  if (response.headers['content-type']?.toString().startsWith('application/x-ndjson')) {
    const lines = response.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const last = lines.pop();
    expect(last, where).toMatchObject({ done: true });
    expect(last.error, where).toBeUndefined(); // a stream that broke after its 200 is a 5xx in disguise
    groups = [];
    for (const line of lines) groups[line.index] = line;
  } else {
    groups = response.json().groups;
  }
  expect(groups, where).toHaveLength(request.groups.length);
  groups.forEach((group, gi) => {
    const input = request.groups[gi];
    const labels = (input.rewards ?? request.rewards ?? []).map((r) => r.name ?? r.id).sort();
    expect(group.completions, where).toHaveLength(input.completions.length);
    expect(group.advantages.every(Number.isFinite), where).toBe(true);
    for (const completion of group.completions) {
      expect(Object.keys(completion.rewards).sort(), where).toEqual(labels);
      expect(completion.reward === null || Number.isFinite(completion.reward), where).toBe(true);
      for (const cell of Object.values(completion.rewards)) {
        const [lo, hi] = ranges.get(cell.version.split('@')[0]) ?? [-Infinity, Infinity];
        if (cell.score !== null) expect(cell.score >= lo && cell.score <= hi, where).toBe(true);
      }
    }
  });
}

/** Percent-encodes every UTF-8 byte (encodeURIComponent throws on lone surrogates; Buffer writes U+FFFD). */
const encodePath = (text: string) => [...Buffer.from(text)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
const json = { 'content-type': 'application/json' };
const scoreRequest = (payload: string, headers: Record<string, string> = {}): InjectOptions => ({
  method: 'POST',
  url: '/v1/score',
  payload,
  headers: { ...json, ...headers },
});
const assertProperty = <T extends unknown[]>(property: fc.IAsyncProperty<T>, numRuns: number, endOnFailure = false) =>
  fc.assert(property, { numRuns, seed, endOnFailure });

// Where the valid request goes: plain, streamed, as a retried request, as a background job.
const delivery = fc.constantFrom<[string, Record<string, string>]>(
  ['/v1/score', {}],
  ['/v1/score', { accept: 'application/x-ndjson' }],
  ['/v1/score', { 'idempotency-key': 'k' }],
  ['/v1/jobs', {}],
);

// About a minute on an idle 2-core machine; the margin is for a loaded one.
describe('fuzzing: never a 5xx, never a hang', { timeout: 300_000 }, () => {
  it('valid requests with random params, rules, completions and delivery', async () => {
    await assertProperty(
      fc.asyncProperty(validRequest, delivery, fc.string({ unit: 'grapheme-ascii', maxLength: 300 }), async (request, [url, headers], key) => {
        const extra = headers['idempotency-key'] ? { 'idempotency-key': key } : headers; // keys of any length, empty included
        await sendAndCheck({ method: 'POST', url, payload: JSON.stringify(request), headers: { ...json, ...extra } });
      }),
      1_500,
    );
  });

  it('wrong types, odd literals and prototype keys anywhere in a request', async () => {
    await assertProperty(
      fc.asyncProperty(validRequest, fc.array(mutation, { minLength: 1, maxLength: 4 }), async (request, mutations) => {
        await sendAndCheck(scoreRequest(render(mutate(toNode(request), mutations))));
      }),
      3_000,
    );
  });

  it('hostile literals and prototype keys at every level of the body', async () => {
    const key = fc.oneof(fc.constantFrom(...protoKeys), hostileString);
    await assertProperty(
      fc.asyncProperty(
        validRequest,
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        key,
        fc.oneof(rawLiteral, jsonNode),
        async (request, at, k, value) => {
          await sendAndCheck(scoreRequest(render(plant(toNode(request), at, k, value))));
        },
      ),
      2_000,
    );
  });

  it('raw bytes, invalid UTF-8 and wrong content types', async () => {
    const contentType = fc.oneof(
      fc.constantFrom(
        'application/json',
        'application/json; charset=utf-16',
        'application/json; charset=latin1',
        'application/JSON',
        'text/plain',
        'application/xml',
        'multipart/form-data; boundary=x',
        'application/x-www-form-urlencoded',
        'application/x-ndjson',
        '*/*',
        'application/json;;',
        'application/octet-stream',
      ),
      fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 40 }).filter((s) => /^[\x21-\x7e][\x20-\x7e]*$/.test(s)),
    );
    const payload = fc.oneof(
      fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b)),
      fc.constantFrom(
        Buffer.from([0xff, 0xfe, 0x7b, 0x7d]),
        Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d]),
        Buffer.from('{"groups":[{"completions":["\xc3\x28"]}]}', 'latin1'),
        Buffer.from('{}\u0000', 'utf8'),
      ),
      validRequest.map((r) => JSON.stringify(r)),
      jsonNode.map(render),
    );
    await assertProperty(
      fc.asyncProperty(
        contentType,
        payload,
        fc.constantFrom('/v1/score', '/v1/jobs', '/v1/rewards/think-format/try', '/v1/rewards/validate'),
        async (type, body, url) => {
          await sendAndCheck({ method: 'POST', url, payload: body, headers: { 'content-type': type } });
        },
      ),
      1_500,
    );
  });

  it('other routes: odd ids, queries, bodies and methods', async () => {
    const id = fc.oneof(fc.constantFrom(...ruleIds, 'test-echo', 'nope', '..', '%', ...protoKeys), hostileString);
    const call = fc.oneof(
      id.map((i): InjectOptions => ({ method: 'GET', url: `/v1/rewards/${encodePath(i)}` })),
      id.map((i): InjectOptions => ({ method: 'DELETE', url: `/v1/rewards/${encodePath(i)}` })),
      id.map((i): InjectOptions => ({ method: 'GET', url: `/v1/jobs/${encodePath(i)}` })),
      hostileString.map((q): InjectOptions => ({ method: 'GET', url: `/v1/rewards?include_deprecated=${encodePath(q)}&${encodePath(q)}=1` })),
      fc
        .tuple(id, jsonNode)
        .map(([i, body]): InjectOptions => ({ method: 'POST', url: `/v1/rewards/${encodePath(i)}/try`, payload: render(body), headers: json })),
      fc
        .tuple(
          fc.constantFrom(...ruleIds),
          fc.array(fc.record({ completion: hostileString, reference: fc.jsonValue({ maxDepth: 2 }) }, { requiredKeys: ['completion'] }), {
            minLength: 1,
            maxLength: 4,
          }),
        )
        .map(([i, samples]): InjectOptions => ({ method: 'POST', url: `/v1/rewards/${i}/try`, payload: JSON.stringify({ samples }), headers: json })),
      fc.tuple(fc.array(mutation, { maxLength: 3 }), hostileString).map(([m, pattern]): InjectOptions => ({
        method: 'POST',
        url: '/v1/rewards/validate',
        payload: render(
          mutate(toNode({ id: 'fuzz-rule', kind: 'regex', grader: { type: 'regex', pattern }, examples: [{ completion: 'a', expected: 1 }] }), m),
        ),
        headers: json,
      })),
      fc
        .tuple(
          fc.constantFrom('GET', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'POST'),
          fc.constantFrom('/v1/score', '/v1/jobs', '/healthz', '/readyz', '/metrics', '/openapi.json', '/v1', '/', '/v1/score/', '//v1/score', '/v1/score?x=1'),
        )
        .map(([method, url]): InjectOptions => ({ method: method as InjectOptions['method'], url })),
    );
    await assertProperty(fc.asyncProperty(call, sendAndCheck), 1_500);
  });

  it('huge strings, long lists and completion counts beyond the limits', async () => {
    const huge = fc.integer({ min: 100_000, max: 1_200_000 }).map((n) => 'x'.repeat(n - 20) + '<think>a</think> 4');
    await assertProperty(
      fc.asyncProperty(huge, fc.integer({ min: 1, max: 400 }), fc.constantFrom('completion', 'prompt', 'id', 'ruleId', 'count'), async (text, count, where) => {
        const group: Record<string, unknown> = {
          completions: where === 'count' ? Array(count).fill('<think>a</think> b') : [where === 'completion' ? text : 'a'],
        };
        if (where === 'prompt') group.prompt = text;
        if (where === 'id') group.id = text;
        const rewards = [{ id: where === 'ruleId' ? text : 'think-format' }];
        await sendAndCheck(scoreRequest(JSON.stringify({ rewards, groups: [group] })));
      }),
      200,
    );
  });

  it('protected routes, however their path is written, never answer without a key', async () => {
    const keyed = await buildTestApp({ poolSize: 1, sandboxPoolSize: 1, sandbox: { python: false }, apiKeys: ['fuzz-api-key'], adminKeys: ['fuzz-admin-key'] });
    try {
      await assertProperty(
        fc.asyncProperty(
          fc.constantFrom(...protectedRoutes),
          fc.array(pathEdit, { minLength: 1, maxLength: 4 }),
          fc.boolean(),
          async ([method, path, body], edits, head) => {
            const url = edits.reduce(editPath, path);
            const options: InjectOptions = {
              method: (head && method === 'GET' ? 'HEAD' : method) as InjectOptions['method'],
              url,
              payload: body as object | undefined,
            };
            sent++;
            const response = await keyed.inject(options);
            const where = `${response.statusCode} for ${options.method} ${url} -> ${response.body.slice(0, 200)}`;
            expect(response.statusCode >= 400 && response.statusCode < 500, where).toBe(true);
            if (options.method !== 'HEAD') expect(response.json().code, where).toMatch(/^VERDICT_/);
          },
        ),
        1_000,
      );
    } finally {
      await keyed.close();
    }
  });

  // Failures the properties found, kept as named regressions: [why, body, expected status].
  const fewCells = (extra: object) => JSON.stringify({ rewards: [{ id: 'think-format' }], groups: [{ completions: ['<think>a</think> 4'] }], ...extra });
  const deep = (key: string, node: Node) => render(plant(toNode({ rewards: [{ id: 'think-format' }], groups: [{ completions: ['a'] }] }), 0.99, key, node));
  const regressions: Array<[string, string, number]> = [
    ['deadline_ms past the largest timer (2^31 - 1 ms) was a 500 from AbortSignal.timeout', fewCells({ deadline_ms: 1e15 }), 400],
    ['deadline_ms of 3e9 fired at once (timer overflow) and timed every cell out', fewCells({ deadline_ms: 3e9 }), 400],
    [
      'a rule named __proto__ vanished from the response object',
      JSON.stringify({ rewards: [{ id: 'think-format', name: '__proto__' }], groups: [{ completions: ['a'] }] }),
      400,
    ],
    ['10,000-deep arrays in reference overflow the stack in the cell key (500)', deep('reference', deepNode(10_000, 'arr')), 400],
    ['4,000-deep arrays in reference overflow the IPC serializer and leave the worker slot wedged', deep('reference', deepNode(4_000, 'arr')), 400],
    ['3,000-deep objects in metadata crash the worker while deserializing', deep('metadata', deepNode(3_000, 'obj')), 400],
    [
      '10,000-deep params overflow the params validator (500)',
      render(toNode({ rewards: [{ id: 'think-format', params: { a: 1 } }], groups: [{ completions: ['a'] }] })).replace(
        '{"a":1}',
        render(deepNode(10_000, 'obj')),
      ),
      400,
    ],
    // A 2 ms deadline isolates a 64-cell chunk; the dying worker's last results then hit an emptied slot (uncaught TypeError in pool.ts).
    [
      'a 2 ms deadline on 400 cells answers with timeouts',
      JSON.stringify({
        rewards: [{ id: 'think-format' }, { id: 'tag-count' }],
        deadline_ms: 2,
        groups: [{ completions: Array.from({ length: 200 }, (_, i) => `<think>${i}</think> ${i}`) }],
      }),
      200,
    ],
    ['and the next request scores normally', fewCells({}), 200],
  ];
  it.each(regressions)('%s', async (_why, payload, status) => {
    const response = await send(scoreRequest(payload));
    expect(response.statusCode, response.body.slice(0, 300)).toBe(status);
    await sendAndCheck(scoreRequest(payload));
  });

  // Last: a deep body that gets past the parser can wedge the pool (see the report in the PR), and the check below must see it.
  it('deep nesting (up to 12,000 levels) anywhere in the body', async () => {
    const depth = fc.oneof(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1_000, max: 12_000 }), fc.constant(10_000));
    await assertProperty(
      fc.asyncProperty(
        validRequest,
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        depth,
        fc.constantFrom<'arr' | 'obj'>('arr', 'obj'),
        fc.constantFrom('reference', 'metadata', 'params', 'prompt', 'x', '__proto__'),
        fc.constantFrom('/v1/score', '/v1/jobs'),
        async (request, at, n, kind, key, url) => {
          const deep: Node = deepNode(n, kind, key);
          await sendAndCheck({ method: 'POST', url, payload: render(plant(toNode(request), at, key, deep)), headers: json });
        },
      ),
      400,
      true, // a wedged pool would make every shrinking step wait ANSWER_WITHIN_MS
    );
  });

  it('answered every request, finished every job, and still scores a normal request', async () => {
    expect(sent).toBeGreaterThanOrEqual(10_000);
    const until = performance.now() + 20_000; // jobs are small: they all finish well within this
    const jobs = new Map<string, { status: string; error?: { code: string } }>();
    for (const id of jobIds) {
      let job = (await send({ url: `/v1/jobs/${id}` })).json();
      while (job.status === 'running' && performance.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        job = (await send({ url: `/v1/jobs/${id}` })).json();
      }
      jobs.set(id, job);
    }
    const stuck = [...jobs].filter(([, job]) => job.status === 'running' || job.error?.code === 'VERDICT_INTERNAL');
    expect(stuck, 'jobs still running or failed internally').toEqual([]);
    expect((await send({ url: '/healthz' })).statusCode).toBe(200);
    const response = await send(scoreRequest(JSON.stringify({ rewards: [{ id: 'think-format' }], groups: [{ completions: ['<think>a</think> 4', '4'] }] })));
    expect(response.statusCode).toBe(200);
    expect(response.json().groups[0].completions.map((c: { reward: number }) => c.reward)).toEqual([1, 0]);
  });
});
