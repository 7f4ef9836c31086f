/**
 * An acknowledged registration is durable: the real server (`npm start`'s
 * command) gets a burst of concurrent registrations and is SIGKILLed as soon
 * as most are acknowledged, with the rest in flight; after a restart on the
 * same storage every acknowledged rule is there, with its version and hash.
 * Also checks that the admin key never reaches the logs.
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { spawnServer, type SpawnedServer } from './spawn-server.ts';
import { backends, type Backend } from './storage-backends.ts';

const ADMIN = 'durability-admin-key-7f3a';
const BURST = 40;
const KILL_AFTER = 30; // acknowledgements seen before the SIGKILL; the other 10 are in flight

const children: ChildProcess[] = [];
afterAll(() => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL')));

async function startServer(backend: Backend): Promise<SpawnedServer> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    ...backend.env,
    POOL_SIZE: '1',
    SANDBOX_POOL_SIZE: '1',
    LOG_LEVEL: 'info',
    VERDICT_ADMIN_KEYS: ADMIN,
  };
  if (!backend.env.DATABASE_URL) delete env.DATABASE_URL;
  const server = await spawnServer(env);
  children.push(server.child);
  return server;
}

function register(url: string, i: number): Promise<{ id: string; status: number; body: { version?: number; hash?: string } }> {
  const id = `burst-${i}`;
  const body = {
    id,
    kind: 'preset',
    rule: 'think-format',
    params: { min_think_chars: 1 + (i % 5) },
    examples: [{ completion: '<think>thinking hard</think> 4', expected: 1 }],
  };
  return fetch(`${url}/v1/rewards`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
    body: JSON.stringify(body),
  }).then(async (r) => ({ id, status: r.status, body: (await r.json()) as { version?: number; hash?: string } }));
}

describe.each(backends)('%s: SIGKILL after acknowledged registrations', (name, make, available) => {
  let backend: Backend | undefined;
  afterEach(async () => backend?.cleanup());

  it.skipIf(!available)(
    'finds every acknowledged rule after a restart',
    async () => {
      backend = await make();
      const first = await startServer(backend);
      const acked: Array<{ id: string; version?: number; hash?: string }> = [];
      const killed = new Promise<void>((resolve) => {
        for (let i = 0; i < BURST; i++) {
          register(first.url, i)
            .then((r) => {
              if (r.status === 201) acked.push({ id: r.id, ...r.body });
              if (acked.length === KILL_AFTER) resolve();
            })
            .catch(() => undefined); // in flight when the server died
        }
      });
      await killed;
      const exited = once(first.child, 'exit');
      first.child.kill('SIGKILL');
      await exited;
      const ackedAtKill = [...acked];
      expect(ackedAtKill.length).toBeGreaterThanOrEqual(KILL_AFTER);

      const second = await startServer(backend);
      try {
        for (const rule of ackedAtKill) {
          const response = await fetch(`${second.url}/v1/rewards/${rule.id}`);
          expect(response.status, rule.id).toBe(200);
          expect(await response.json()).toMatchObject({ version: rule.version, hash: rule.hash });
        }
        console.log(`${name}: ${ackedAtKill.length} of ${BURST} registrations acknowledged before SIGKILL; all ${ackedAtKill.length} present after restart`);
        expect(first.output() + second.output()).not.toContain(ADMIN);
      } finally {
        second.child.kill('SIGKILL');
        await once(second.child, 'exit');
      }
    },
    240_000,
  ); // two server start-ups on a 2-core machine
});
