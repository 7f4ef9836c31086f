/**
 * The real server process: starts with `npm start`'s command, logs no
 * completion text, and on SIGTERM fails readiness, lets in-flight requests
 * finish, then exits 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureRules } from './helpers.ts';

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  server.close();
  return port;
}

const children: ChildProcess[] = [];
afterAll(() => children.forEach((c) => c.kill('SIGKILL')));

async function startServer(): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { ...process.env, PORT: String(port), REWARD_MODULES: fixtureRules.join(','), POOL_SIZE: '1', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return { child, url, output: () => output };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`server did not start: ${output}`);
}

describe('server process', () => {
  it('drains on SIGTERM: readiness fails, the in-flight request completes, exit code 0', async () => {
    const { child, url, output } = await startServer();
    const secret = 'SECRET-COMPLETION-TEXT-42';
    const inFlight = fetch(`${url}/v1/score`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rewards: [{ id: 'test-sleep', params: { ms: 800 } }], groups: [{ completions: [secret] }] }),
    });
    await new Promise((r) => setTimeout(r, 200));
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const response = await inFlight;
    expect(response.status).toBe(200);
    const result = (await response.json()) as { groups: Array<{ completions: Array<{ reward: number }> }> };
    expect(result.groups[0].completions[0].reward).toBe(1);
    const [code] = await exited;
    expect(code).toBe(0);
    expect(output()).toContain('draining');
    expect(output()).not.toContain(secret); // logs carry counts and codes, never completions
  });
});
