/**
 * The real server on a machine without bubblewrap (SANDBOX_BWRAP_PATH names none):
 * by default it starts with Python off and one warning line, answers Python
 * code cells with null / sandbox_unavailable, runs JavaScript as usual, and
 * says so on /readyz and GET /v1/rewards; with SANDBOX_PYTHON=on it refuses
 * to start.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnServer, startArgs } from './spawn-server.ts';

const children: ChildProcess[] = [];
afterAll(() => children.forEach((c) => c.kill('SIGKILL')));
const env = { ...process.env, SANDBOX_BWRAP_PATH: '/nonexistent/bwrap', POOL_SIZE: '1', SANDBOX_POOL_SIZE: '1', LOG_LEVEL: 'info' };

const code = (language: string, source: string) => '```' + language + '\n' + source + '\n```';

describe('without bubblewrap', () => {
  it('starts with Python off, says so once, and scores Python cells null with sandbox_unavailable', async () => {
    const { child, url, output } = await spawnServer(env);
    children.push(child);
    const warnings = output()
      .split('\n')
      .filter((line) => line.includes('Python is off'));
    expect(warnings).toHaveLength(1);

    const ready = (await (await fetch(`${url}/readyz`)).json()) as { status: string; sandbox: { languages: string[]; unavailable: Record<string, string> } };
    expect(ready.status).toBe('ready');
    expect(ready.sandbox.languages).toEqual(['javascript', 'typescript']);
    expect(ready.sandbox.unavailable.python).toMatch(/self-test failed/);

    const rules = (await (await fetch(`${url}/v1/rewards`)).json()) as { rewards: Array<{ id: string; sandbox?: { languages: string[] } }> };
    expect(rules.rewards.find((r) => r.id === 'code-tests')?.sandbox?.languages).toEqual(['javascript', 'typescript']);
    expect(rules.rewards.find((r) => r.id === 'math-answer')?.sandbox).toBeUndefined();

    const response = await fetch(`${url}/v1/score`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        rewards: [{ id: 'code-tests' }],
        groups: [
          { reference: { language: 'python', tests: [{ stdin: '', stdout: '1' }] }, completions: [code('python', 'print(1)')] },
          {
            reference: { language: 'javascript', fn_name: 'f', tests: [{ args: [], expected: 1 }] },
            completions: [code('javascript', 'function f() { return 1 }')],
          },
        ],
      }),
    });
    const body = (await response.json()) as { groups: Array<{ completions: Array<{ rewards: Record<string, { score: number | null; reason?: string }> }> }> };
    const [python, javascript] = body.groups.map((g) => g.completions[0].rewards['code-tests']);
    expect(python).toMatchObject({ score: null, reason: 'sandbox_unavailable' });
    expect(javascript.score).toBe(1);
  }, 150_000);

  it('refuses to start with SANDBOX_PYTHON=on, saying why', async () => {
    const child = spawn(process.execPath, startArgs(), { env: { ...env, SANDBOX_PYTHON: 'on', PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let output = '';
    child.stderr!.on('data', (d) => (output += d));
    const [exitCode] = await once(child, 'exit');
    expect(exitCode).toBe(1);
    expect(output).toMatch(/refusing to start \(SANDBOX_PYTHON=on\): .*cannot start \/nonexistent\/bwrap/);
  }, 120_000);
});
