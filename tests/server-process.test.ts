/**
 * The real server process: starts with `npm start`'s command, logs no
 * completion text, and on SIGTERM fails readiness, lets in-flight requests
 * finish, then exits 0.
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureRules } from './helpers.ts';
import { spawnServer } from './spawn-server.ts';

const children: ChildProcess[] = [];
afterAll(() => children.forEach((c) => c.kill('SIGKILL')));

describe('server process', () => {
  it('drains on SIGTERM: readiness fails, the in-flight request completes, exit code 0', async () => {
    const { child, url, output } = await spawnServer({ ...process.env, REWARD_MODULES: fixtureRules.join(','), POOL_SIZE: '1', LOG_LEVEL: 'info' });
    children.push(child);
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
