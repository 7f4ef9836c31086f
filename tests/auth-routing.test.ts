/**
 * Access is decided from the route the router matched, never from the URL
 * text: every encoding of a protected path an attacker would try (percent-
 * encoded letters and slashes, `//`, `/./`, `/x/../`, case, trailing slash,
 * `;params`, queries, fragments, absolute form, HEAD) is refused without a
 * key, through `inject`, on the real server's socket and through nginx running
 * docker/nginx.conf. Regression: `GET /%761/rewards` skipped VERDICT_API_KEYS.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registrationOpen } from '../src/auth.ts';
import { buildTestApp } from './helpers.ts';
import { nginxMissing, startNginx, type Nginx } from './nginx.ts';
import { rawRequest } from './raw-http.ts';
import { spawnServer, type SpawnedServer } from './spawn-server.ts';
import { tempDir } from './storage-backends.ts';

const ADMIN = 'admin-key-0123456789';
const API = 'api-key-0123456789';
const keys = { adminKeys: [ADMIN], apiKeys: [API] };

const rule = { id: 'guarded-rule', kind: 'preset', rule: 'think-format', examples: [{ completion: '<think>a</think> 4', expected: 1 }] };
const scoring = { rewards: [{ id: 'think-format' }], groups: [{ completions: ['<think>a</think> 4'] }] };

// [method, path, level, body]: one route of each kind a caller must not reach without its key.
const targets: Array<[string, string, 'api' | 'admin', object | undefined]> = [
  ['GET', '/v1/rewards', 'api', undefined],
  ['GET', '/v1/rewards/guarded-rule', 'api', undefined],
  ['POST', '/v1/score', 'api', scoring],
  ['POST', '/v1/openrlhf', 'api', { query: ['x'], labels: ['4'] }],
  ['POST', '/v1/rewards/guarded-rule/try', 'api', { samples: [{ completion: 'x' }] }],
  ['POST', '/v1/rewards', 'admin', rule],
  ['DELETE', '/v1/rewards/guarded-rule', 'admin', undefined],
];

const hex = (c: string) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
const encodeLetters = (s: string) => s.replace(/[a-z0-9]/gi, hex);

/** The ways to write `path` that a router or a proxy might read as the same route. */
function variants(path: string): Array<[string, string]> {
  const [, first, ...restParts] = path.split('/');
  const rest = restParts.join('/');
  return [
    ['as routed', path],
    ['percent-encoded v (%76)', path.replace('/v1/', '/%761/')],
    ['upper-case hex escape (%2D for -)', path.replace(/-/g, '%2D')],
    ['every letter percent-encoded', `/${encodeLetters(first)}/${encodeLetters(rest)}`],
    ['encoded slash %2F', `/${first}%2F${rest}`],
    ['encoded slash %2f, lower case', `/${first}%2f${rest}`],
    ['double-encoded v (%2576)', path.replace('/v1/', '/%25761/')],
    ['leading //', `/${path}`],
    ['// inside', `/${first}//${rest}`],
    ['/./ segments', `/./${first}/./${rest}`],
    ['/x/../ segment', `/x/../${first}/${rest}`],
    ['encoded dot-dot /x/%2e%2e/', `/x/%2e%2e/${first}/${rest}`],
    ['upper case', path.toUpperCase()],
    ['upper-case prefix /V1/', path.replace('/v1/', '/V1/')],
    ['trailing slash', `${path}/`],
    [';params at the end', `${path};x=1`],
    [';params on the prefix', `/${first};x/${rest}`],
    ['query string', `${path}?x=1&include_deprecated=true`],
    ['an API key in the query (only urlKey routes read it)', `${path}?api_key=${path.includes('openrlhf') ? 'nope' : API}`],
    ['fragment', `${path}#x`],
    ['NUL escape', `${path}%00`],
    ['fullwidth v (U+FF56) escaped', path.replace('/v1/', '/%EF%BD%961/')],
    ['absolute form', `http://127.0.0.1${path}`],
  ];
}

/** [why, method, target, level, body] for every target, variant and (for GETs) HEAD too. */
const matrix = targets.flatMap(([method, path, level, body]) =>
  variants(path).flatMap(([why, target]) => {
    const rows: Array<[string, string, string, string, object | undefined]> = [[why, method, target, level, body]];
    if (method === 'GET') rows.push([why, 'HEAD', target, level, body]);
    return rows;
  }),
);

/** A refused request: a 4xx (401, 403, 404, 400 for a malformed URL), never a 2xx, a redirect or a 5xx. */
function expectRefused(status: number, what: string, body: string): void {
  expect(status >= 400 && status < 500, `${what} -> ${status} ${body.slice(0, 200)}`).toBe(true);
  expect(body).not.toContain('"definition"'); // no rule came back
}

describe('auth by matched route, through inject', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp({ poolSize: 1, sandboxPoolSize: 1, sandbox: { python: false }, ...keys });
    const registered = await app.inject({ method: 'POST', url: '/v1/rewards', payload: rule, headers: { authorization: `Bearer ${ADMIN}` } });
    expect(registered.statusCode).toBe(201);
  });
  afterAll(() => app?.close());

  it('answers the canonical paths with the right key (the control)', async () => {
    for (const [method, path, level, body] of targets.filter(([m]) => m !== 'DELETE')) {
      const key = level === 'admin' ? ADMIN : API;
      const response = await app.inject({ method: method as 'GET', url: path, payload: body, headers: { authorization: `Bearer ${key}` } });
      expect(response.statusCode, `${method} ${path}: ${response.body.slice(0, 200)}`).toBeLessThan(300);
    }
  });

  it.each(matrix)('%s: %s %s without a key is refused', async (why, method, target, _level, body) => {
    const response = await app.inject({ method: method as 'GET', url: target, payload: body });
    expectRefused(response.statusCode, `${why}: ${method} ${target}`, response.body);
  });

  it.each(matrix.filter(([, , , level]) => level === 'admin'))('%s: %s %s with an API key is refused', async (why, method, target, _level, body) => {
    const response = await app.inject({ method: method as 'GET', url: target, payload: body, headers: { authorization: `Bearer ${API}` } });
    expectRefused(response.statusCode, `${why}: ${method} ${target}`, response.body);
  });

  it('keeps the rule live: no variant deprecated it', async () => {
    const response = await app.inject({ url: '/v1/rewards/guarded-rule', headers: { authorization: `Bearer ${API}` } });
    expect(response.json().deprecated).toBe(false);
  });

  it('answers 405 with Allow for a known path and another method, still behind the key', async () => {
    const anonymous = await app.inject({ method: 'PUT', url: '/v1/score', payload: {} });
    expect(anonymous.statusCode).toBe(401);
    const keyed = await app.inject({ method: 'PUT', url: '/v1/score', payload: {}, headers: { authorization: `Bearer ${API}` } });
    expect(keyed.statusCode).toBe(405);
    expect(keyed.json()).toMatchObject({ code: 'VERDICT_METHOD_NOT_ALLOWED' });
    expect(keyed.headers.allow).toBe('POST');
    const open = await app.inject({ method: 'POST', url: '/healthz' });
    expect(open.statusCode).toBe(405);
    expect(open.headers.allow).toBe('GET, HEAD');
  });

  it('leaves health, metrics and the docs open', async () => {
    for (const url of ['/healthz', '/readyz', '/metrics', '/openapi.json', '/docs', '/docs/json']) {
      expect((await app.inject({ url })).statusCode, url).toBe(200);
    }
  });
});

describe('registration is closed unless opened', () => {
  // [why, HOST, VERDICT_OPEN_REGISTRATION, open without admin keys]
  const decisions: Array<[string, string, boolean | undefined, boolean]> = [
    ['every interface: closed', '0.0.0.0', undefined, false],
    ['every IPv6 interface: closed', '::', undefined, false],
    ['a public address: closed', '10.1.2.3', undefined, false],
    ['a name that is not localhost: closed', 'verdict.internal', undefined, false],
    ['loopback only: open', '127.0.0.1', undefined, true],
    ['another loopback address: open', '127.0.0.2', undefined, true],
    ['loopback by name: open', 'localhost', undefined, true],
    ['IPv6 loopback: open', '::1', undefined, true],
    ['opened explicitly on every interface', '0.0.0.0', true, true],
    ['closed explicitly on loopback', '127.0.0.1', false, false],
  ];
  it.each(decisions)('%s', (_why, host, openRegistration, open) => {
    expect(registrationOpen({ host, openRegistration })).toBe(open);
  });

  // [why, HOST, VERDICT_OPEN_REGISTRATION, admin keys, status of an unkeyed registration]
  const cases: Array<[string, string, boolean | undefined, string[], number]> = [
    ['no admin keys on every interface: 403 naming the variables', '0.0.0.0', undefined, [], 403],
    ['opened explicitly: anyone registers', '0.0.0.0', true, [], 201],
    ['admin keys set: a key is needed even when opened', '127.0.0.1', true, [ADMIN], 401],
  ];
  it.each(cases)('%s', { timeout: 300_000 }, async (_why, host, openRegistration, adminKeys, status) => {
    const app = await buildTestApp({ poolSize: 1, sandboxPoolSize: 1, sandbox: { python: false }, host, openRegistration, adminKeys });
    try {
      const calls = [
        ['POST', '/v1/rewards', rule, 201],
        ['POST', '/v1/rewards/validate', rule, 200],
        ['DELETE', '/v1/rewards/guarded-rule', undefined, 200],
      ] as const;
      for (const [method, url, payload, whenOpen] of calls) {
        const response = await app.inject({ method, url, payload });
        expect(response.statusCode, `${method} ${url}: ${response.body.slice(0, 200)}`).toBe(status === 201 ? whenOpen : status);
        if (status === 403) {
          expect(response.json().code).toBe('VERDICT_REGISTRATION_CLOSED');
          expect(response.json().message).toContain('VERDICT_ADMIN_KEYS');
          expect(response.json().message).toContain('VERDICT_OPEN_REGISTRATION');
        }
      }
      // Scoring is not registration: without API keys it stays open.
      expect((await app.inject({ method: 'POST', url: '/v1/score', payload: scoring })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});

describe.skipIf(nginxMissing !== '')('auth on the real server and through nginx', () => {
  let server: SpawnedServer;
  let nginx: Nginx;
  const dataDir = tempDir();
  let serverPort: number;

  beforeAll(async () => {
    server = await spawnServer({
      ...process.env,
      VERDICT_API_KEYS: API,
      VERDICT_ADMIN_KEYS: ADMIN,
      DATA_DIR: dataDir,
      SANDBOX_PYTHON: 'off',
      POOL_SIZE: '1',
      SANDBOX_POOL_SIZE: '1',
      LOG_LEVEL: 'info',
    });
    serverPort = Number(new URL(server.url).port);
    nginx = await startNginx([`127.0.0.1:${serverPort}`]);
    const registered = await fetch(`${server.url}/v1/rewards`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
      body: JSON.stringify(rule),
    });
    expect(registered.status).toBe(201);
  }, 300_000);

  afterAll(async () => {
    await nginx?.stop();
    server?.child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const send = (port: number, method: string, target: string, body: object | undefined, key?: string) =>
    rawRequest(port, method, target, {
      headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });

  it('refuses every variant without a key, on the server socket and through nginx', { timeout: 180_000 }, async () => {
    for (const [name, port] of [
      ['server', serverPort],
      ['nginx', nginx.port],
    ] as const) {
      const control = await send(port, 'GET', '/v1/rewards', undefined, API);
      expect(control.status, `${name} control`).toBe(200);
      for (const [why, method, target, level, body] of matrix) {
        const anonymous = await send(port, method, target, body);
        expectRefused(anonymous.status, `${name}, ${why}: ${method} ${target}`, anonymous.body);
        if (level === 'admin') {
          const withApiKey = await send(port, method, target, body, API);
          expectRefused(withApiKey.status, `${name}, ${why} with an API key: ${method} ${target}`, withApiKey.body);
        }
      }
    }
    const rule = await send(serverPort, 'GET', '/v1/rewards/guarded-rule', undefined, API);
    expect(JSON.parse(rule.body).deprecated).toBe(false);
  });

  it("OpenRLHF's own call (requests.post, Content-Type only) authenticates with ?api_key=, and no log shows the key", async () => {
    // openrlhf/utils/remote_rm_utils.py: requests.post(url=url, json=data, headers={"Content-Type": "application/json"}, timeout=180)
    const script = [
      'import json, sys, requests',
      'url, data = sys.argv[1], {"query": ["<think>a</think> 4"], "prompts": [""], "labels": ["4"]}',
      'response = requests.post(url=url, json=data, headers={"Content-Type": "application/json"}, timeout=180)',
      'print(json.dumps({"status": response.status_code, "body": response.json()}))',
    ].join('\n');
    const run = async (url: string) => JSON.parse((await promisify(execFile)('python3', ['-c', script, url])).stdout);
    const through = `${nginx.url}/v1/openrlhf?api_key=${API}&rewards=think-format`;
    const ok = await run(through);
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.rewards).toEqual([1]);
    expect((await run(`${server.url}/v1/openrlhf?api_key=${API}`)).status).toBe(200);
    const wrong = await run(`${nginx.url}/v1/openrlhf?api_key=wrong-key`);
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('VERDICT_UNAUTHENTICATED');
    // Only routes that declare urlKey read it: the same key in /v1/score's query is no key.
    const elsewhere = await send(nginx.port, 'POST', `/v1/score?api_key=${API}`, scoring);
    expect(elsewhere.status).toBe(401);
    // An admin key in the URL does not open registration either (POST /v1/rewards has no urlKey).
    expect((await send(nginx.port, 'POST', `/v1/rewards?api_key=${ADMIN}`, rule)).status).toBe(401);

    // Logs: nginx's access log keeps the path without its query; Verdict's request log redacts the value.
    const access = nginx.accessLog();
    expect(access).toContain('POST /v1/openrlhf HTTP/1.1');
    expect(access).not.toContain(API);
    // The server's log lines reach the pipe asynchronously.
    for (let i = 0; i < 200 && !server.output().includes('api_key=[REDACTED]'); i++) await new Promise((r) => setTimeout(r, 50));
    expect(server.output()).toContain('api_key=[REDACTED]');
    expect(server.output()).not.toContain(API);
    expect(server.output()).not.toContain(ADMIN);
  });
});
