/**
 * Bearer keys: admin keys for registering and deprecating, API keys (or admin
 * keys) for scoring; 401 for no or an unknown key, 403 for an API key on an
 * admin route; health and docs stay open.
 */
import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from './helpers.ts';
import { tempDir } from './storage-backends.ts';

const ADMIN = 'admin-key-0123456789';
const API = 'api-key-0123456789';
const dataDir = tempDir();
let app: FastifyInstance;
beforeAll(async () => {
  app = await buildTestApp({ dataDir, poolSize: 1, sandboxPoolSize: 1, adminKeys: ['other-admin', ADMIN], apiKeys: [API] });
});
afterAll(async () => {
  await app.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const rule = (id: string) => ({ id, kind: 'preset', rule: 'think-format', examples: [{ completion: '<think>a</think> 4', expected: 1 }] });
const scoring = { rewards: [{ id: 'think-format' }], groups: [{ completions: ['x'] }] };

const cases: Array<[string, string, string, object | undefined, string | undefined, number, string?]> = [
  // [why, method, url, body, Authorization header, status, code]
  ['registering without a key', 'POST', '/v1/rewards', rule('a'), undefined, 401, 'VERDICT_UNAUTHENTICATED'],
  ['registering with an unknown key', 'POST', '/v1/rewards', rule('a'), 'Bearer nope', 401, 'VERDICT_UNAUTHENTICATED'],
  ['registering with a non-bearer scheme', 'POST', '/v1/rewards', rule('a'), `Basic ${ADMIN}`, 401, 'VERDICT_UNAUTHENTICATED'],
  ['registering with an API key: known, but not allowed', 'POST', '/v1/rewards', rule('a'), `Bearer ${API}`, 403, 'VERDICT_FORBIDDEN'],
  ['validating is part of registering', 'POST', '/v1/rewards/validate', rule('a'), `Bearer ${API}`, 403, 'VERDICT_FORBIDDEN'],
  ['registering with an admin key', 'POST', '/v1/rewards', rule('a'), `Bearer ${ADMIN}`, 201],
  ['the scheme is case-insensitive', 'POST', '/v1/rewards', rule('b'), `bearer ${ADMIN}`, 201],
  ['deprecating with an API key', 'DELETE', '/v1/rewards/a', undefined, `Bearer ${API}`, 403, 'VERDICT_FORBIDDEN'],
  ['deprecating with an admin key', 'DELETE', '/v1/rewards/a', undefined, `Bearer ${ADMIN}`, 200],
  ['scoring without a key', 'POST', '/v1/score', scoring, undefined, 401, 'VERDICT_UNAUTHENTICATED'],
  ['scoring with an API key', 'POST', '/v1/score', scoring, `Bearer ${API}`, 200],
  ['scoring with an admin key', 'POST', '/v1/score', scoring, `Bearer ${ADMIN}`, 200],
  ['trying a rule is scoring', 'POST', '/v1/rewards/b/try', { samples: [{ completion: 'x' }] }, undefined, 401, 'VERDICT_UNAUTHENTICATED'],
  ['listing rules is under /v1/', 'GET', '/v1/rewards', undefined, undefined, 401, 'VERDICT_UNAUTHENTICATED'],
  ['liveness stays open', 'GET', '/healthz', undefined, undefined, 200],
  ['the OpenAPI document stays open', 'GET', '/openapi.json', undefined, undefined, 200],
];

describe('auth', () => {
  it.each(cases)('%s', async (_why, method, url, payload, authorization, status, code) => {
    const response = await app.inject({ method: method as 'GET', url, payload, headers: authorization ? { authorization } : {} });
    expect(response.statusCode, response.body).toBe(status);
    if (code) expect(response.json().code).toBe(code);
    if (status === 401) expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(response.body).not.toContain(ADMIN);
  });

  it('leaves routes open when their key list is empty', async () => {
    const openDir = tempDir();
    const open = await buildTestApp({ dataDir: openDir, poolSize: 1, sandboxPoolSize: 1, adminKeys: [ADMIN] });
    try {
      expect((await open.inject({ method: 'POST', url: '/v1/score', payload: scoring })).statusCode).toBe(200);
      expect((await open.inject({ method: 'POST', url: '/v1/rewards', payload: rule('c') })).statusCode).toBe(401);
    } finally {
      await open.close();
      fs.rmSync(openDir, { recursive: true, force: true });
    }
  });
});
