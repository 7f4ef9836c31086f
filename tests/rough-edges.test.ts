/** Error rough edges a new user hits first: a JSON body sent with another content type, and a busy port. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from './helpers.ts';
import { startArgs } from './spawn-server.ts';

describe('content types', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp({ poolSize: 1, sandboxPoolSize: 1 });
  });
  afterAll(() => app.close());

  const body = JSON.stringify({ rewards: ['think-format'], groups: [{ completions: ['<think>x</think>y'] }] });

  it.each([
    // requests' default for a string body, and curl -d's default: the JSON is not read as a string
    ['text/plain', 'text/plain'],
    ['application/x-www-form-urlencoded', 'application/x-www-form-urlencoded'],
    // the parameters are kept, so the caller sees exactly what it sent
    ['text/plain; charset=utf-8', 'text/plain; charset=utf-8'],
  ])('%s is a 415 naming the type sent', async (type, named) => {
    const response = await app.inject({ method: 'POST', url: '/v1/score', payload: body, headers: { 'content-type': type } });
    expect(response.statusCode).toBe(415);
    expect(response.json()).toMatchObject({ code: 'VERDICT_UNSUPPORTED_MEDIA_TYPE', message: `Unsupported content type "${named}"; send application/json` });
  });

  it('the same body as application/json is scored', async () => {
    const response = await app.inject({ method: 'POST', url: '/v1/score', payload: body, headers: { 'content-type': 'application/json' } });
    expect(response.statusCode).toBe(200);
  });
});

describe('a busy port', () => {
  it('is one line naming the port and the variable, exit code 1', async () => {
    const holder = net.createServer().listen(0, '127.0.0.1');
    await once(holder, 'listening');
    const { port } = holder.address() as net.AddressInfo;
    try {
      const child = spawn(process.execPath, startArgs(), {
        env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', SANDBOX_PYTHON: 'off', POOL_SIZE: '1', SANDBOX_POOL_SIZE: '1', LOG_LEVEL: 'silent' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr!.on('data', (d) => (stderr += d));
      const [code] = await once(child, 'exit');
      expect(code).toBe(1);
      expect(stderr.trim()).toBe(`verdict: port ${port} on 127.0.0.1 is already in use; set PORT to a free port`);
    } finally {
      holder.close();
    }
  }, 120_000);
});
