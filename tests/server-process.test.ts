/**
 * The real server process: starts with `npm start`'s command and is ready on
 * /readyz; logs no completion text; on SIGTERM fails readiness, refuses new
 * scoring work, finishes the open NDJSON stream and the request in flight,
 * then exits 0; and past four fifths of its grace period answers what is still
 * scoring with what it has, exiting 0 within the period.
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureRules } from './helpers.ts';
import { spawnServer } from './spawn-server.ts';

const children: ChildProcess[] = [];
afterAll(() => children.forEach((c) => c.kill('SIGKILL')));

const env = (extra: Record<string, string> = {}) => ({
  ...process.env,
  REWARD_MODULES: fixtureRules.join(','),
  POOL_SIZE: '1',
  SANDBOX_PYTHON: 'off',
  LOG_LEVEL: 'info',
  ...extra,
});
const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${url}/v1/score`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

/** The lines of an NDJSON response as they come; `next()` resolves with the next parsed line (undefined at the end). */
function lines(response: Response) {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  return async function next(): Promise<Record<string, any> | undefined> {
    for (;;) {
      const newline = buffered.indexOf('\n');
      if (newline >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        return JSON.parse(line);
      }
      const { value, done } = await reader.read();
      if (done) return undefined;
      buffered += value;
    }
  };
}

describe('server process', { timeout: 240_000 }, () => {
  it('drains on SIGTERM: /readyz fails, new scoring is refused, the open NDJSON stream and the request in flight complete, exit code 0', async () => {
    const { child, url, output } = await spawnServer(env());
    children.push(child);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', pools: { score: { size: 1 } } });

    const secret = 'SECRET-COMPLETION-TEXT-42';
    // A fast group, then a slow one: once the fast group's line is read, the slow one is certainly in flight.
    const stream = await post(
      url,
      {
        rewards: [{ id: 'test-sleep', params: { ms: 1 } }],
        groups: [
          { id: 'fast', completions: ['a'] },
          { id: 'slow', rewards: [{ id: 'test-sleep', params: { ms: 1500 } }], completions: [secret] },
        ],
      },
      { accept: 'application/x-ndjson' },
    );
    const next = lines(stream);
    expect(await next()).toMatchObject({ id: 'fast' });

    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await expect.poll(async () => (await fetch(`${url}/readyz`)).status, { timeout: 10_000 }).toBe(503);
    const draining = await fetch(`${url}/readyz`);
    expect(await draining.json()).toMatchObject({ status: 'unavailable', reason: 'draining' });
    const refused = await post(url, { rewards: [{ id: 'test-sleep' }], groups: [{ completions: ['late'] }] });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.json()).toMatchObject({ code: 'VERDICT_SHUTTING_DOWN' });

    const slow = await next();
    expect(slow).toMatchObject({ id: 'slow', completions: [{ reward: 1 }] }); // scored, not cut short
    expect(await next()).toMatchObject({ done: true, rules: { 'test-sleep': { scored: 2, failed: 0 } } });
    expect(await next()).toBeUndefined();
    const [code] = await exited;
    expect(code).toBe(0);
    expect(output()).toContain('draining');
    expect(output()).not.toContain(secret); // logs carry counts and codes, never completions
  });

  it('answers what still scores at four fifths of the grace period, then exits 0 within it', async () => {
    const { child, url } = await spawnServer(env({ SHUTDOWN_GRACE_MS: '5000' }));
    children.push(child);
    // Ten cells of 3 s on one worker: 30 s of work, far past the 5 s grace period.
    // Headers go out with the first line: nothing is read before the shutdown.
    const stream = post(
      url,
      { rewards: [{ id: 'test-sleep', params: { ms: 3000 } }], groups: [{ id: 'long', completions: Array.from({ length: 10 }, (_, i) => `c${i}`) }] },
      { accept: 'application/x-ndjson' },
    );
    await expect
      .poll(async () => ((await (await fetch(`${url}/metrics`)).text()).match(/verdict_busy_workers\{pool="score"\} 1/) ? 1 : 0), { timeout: 10_000 })
      .toBe(1);
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const next = lines(await stream);
    const group = await next();
    expect(group).toMatchObject({ id: 'long' });
    const reasons = group!.completions.map((c: { rewards: Record<string, { reason?: string }> }) => c.rewards['test-sleep'].reason);
    expect(reasons.filter((r: string | undefined) => r === 'timeout').length).toBeGreaterThanOrEqual(9);
    expect(await next()).toMatchObject({ done: true });
    const [code] = await exited;
    expect(code).toBe(0);
  });
});
