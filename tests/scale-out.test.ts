/**
 * Scale-out on loopback: two real replicas sharing PostgreSQL behind Debian's
 * nginx running docker/nginx.conf itself (upstreams and ports rewritten).
 * A rule registered through replica A scores through nginx; SIGKILL of A under
 * load fails no scoring request; a registration is never retried on another
 * replica. A job submitted through nginx is polled on either replica, and when
 * the replica running it is SIGKILLed mid-job the other takes it over and finishes it.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureRules } from './helpers.ts';
import { nginxMissing, startNginx, type Nginx } from './nginx.ts';
import { spawnServer, type SpawnedServer } from './spawn-server.ts';
import { backends, type Backend } from './storage-backends.ts';

const postgres = backends.find(([name]) => name === 'postgres')!;
const missing = !postgres[2] ? 'TEST_DATABASE_URL is not set (.ci/pg-start.sh sets it)' : nginxMissing;
if (missing) console.warn(`scale-out test SKIPPED: ${missing}`);

async function post(url: string, body: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, json: await response.json().catch(() => null) };
}

const rule = {
  id: 'scale-out-exact',
  kind: 'preset',
  rule: 'string-check',
  params: { operation: 'eq' },
  examples: [
    { completion: 'Paris', reference: 'Paris', expected: 1 },
    { completion: 'Lyon', reference: 'Paris', expected: 0 },
  ],
};
const scoring = {
  rewards: [{ id: 'scale-out-exact' }],
  groups: [{ reference: 'Paris', completions: ['Paris', 'Lyon', 'Paris', 'Marseille'] }],
};

describe.skipIf(missing !== '')('scale-out behind nginx', () => {
  let backend: Backend;
  let a: SpawnedServer;
  let b: SpawnedServer;
  let nginx: Nginx;

  beforeAll(async () => {
    backend = await postgres[1]();
    const env = { ...process.env, ...backend.env, SANDBOX_PYTHON: 'off', POOL_SIZE: '1', SANDBOX_POOL_SIZE: '1', LOG_LEVEL: 'warn' };
    [a, b] = await Promise.all([spawnServer(env), spawnServer(env)]);
    nginx = await startNginx([a.url.slice('http://'.length), b.url.slice('http://'.length)]);
  }, 300_000);

  afterAll(async () => {
    await nginx?.stop();
    for (const server of [a, b]) server?.child.kill('SIGKILL');
    await backend?.cleanup();
  });

  it('a rule registered through replica A scores through nginx on both replicas', async () => {
    const registered = await post(`${a.url}/v1/rewards`, rule);
    expect(registered.status, JSON.stringify(registered.json)).toBe(201);
    // B learns the rule from PostgreSQL (LISTEN/NOTIFY); give it a moment
    const giveUp = Date.now() + 10_000;
    let onB = await post(`${b.url}/v1/score`, scoring);
    while (onB.status !== 200 && Date.now() < giveUp) {
      await new Promise((r) => setTimeout(r, 100));
      onB = await post(`${b.url}/v1/score`, scoring);
    }
    expect(onB.status).toBe(200);
    for (let i = 0; i < 4; i++) {
      const { status, json } = await post(`${nginx.url}/v1/score`, scoring);
      expect(status).toBe(200);
      expect(json.groups[0].completions.map((c: any) => c.reward)).toEqual([1, 0, 1, 0]);
      expect(json.groups[0].completions[0].rewards['scale-out-exact'].version).toBe('scale-out-exact@1');
    }
  });

  it('SIGKILL of replica A under load fails no scoring request', async () => {
    const outcomes: Array<{ status: number; ok: boolean }> = [];
    const stopAt = Date.now() + 6_000; // bounded: 4 clients for 6 s, at most 300 requests each
    const client = async () => {
      for (let i = 0; i < 300 && Date.now() < stopAt; i++) {
        const { status, json } = await post(`${nginx.url}/v1/score`, scoring);
        outcomes.push({ status, ok: status === 200 && json.groups[0].completions.map((c: any) => c.reward).join() === '1,0,1,0' });
      }
    };
    const load = Promise.all([client(), client(), client(), client()]);
    // Kill once both replicas have answered under this load (counted, not timed: the machine may be slow).
    await expect.poll(() => outcomes.length, { timeout: 5_000, interval: 50 }).toBeGreaterThanOrEqual(8);
    const beforeKill = outcomes.length;
    a.child.kill('SIGKILL');
    await load;
    const failed = outcomes.filter((o) => !o.ok);
    expect(beforeKill).toBeGreaterThan(0);
    expect(outcomes.length - beforeKill).toBeGreaterThan(0);
    expect(failed, `statuses: ${failed.map((f) => f.status).join(',')}`).toEqual([]);
    console.info(`scale-out: ${outcomes.length} scoring requests through nginx, ${beforeKill} before replica A was killed, none failed`);
  }, 60_000);

  it('nginx retries scoring on 503 but never a registration', async () => {
    // A stand-in replica that answers 503 to everything, beside the live replica B.
    const hits: string[] = [];
    const flaky = http.createServer((req, res) => {
      hits.push(`${req.method} ${req.url}`);
      req.resume();
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' }).end('{"statusCode":503,"code":"VERDICT_OVERLOADED"}');
    });
    await new Promise<void>((r) => flaky.listen(0, '127.0.0.1', r));
    const flakyAddress = `127.0.0.1:${(flaky.address() as { port: number }).port}`;
    const front = await startNginx([flakyAddress, b.url.slice('http://'.length)]);
    try {
      const scores = [];
      for (let i = 0; i < 4; i++) scores.push((await post(`${front.url}/v1/score`, scoring)).status);
      expect(scores).toEqual([200, 200, 200, 200]);
      expect(hits.filter((h) => h === 'POST /v1/score').length).toBeGreaterThan(0); // the 503 was retried on B

      // Once the flaky upstream's failure window (fail_timeout=5s) has passed, round robin reaches it;
      // register until it does (nginx's per-worker round robin makes the exact turn unpredictable).
      await new Promise((r) => setTimeout(r, 5_500));
      const registrations: number[] = [];
      for (let i = 0; i < 40 && !registrations.includes(503); i++) {
        registrations.push((await post(`${front.url}/v1/rewards`, rule)).status);
        if (!registrations.includes(503)) await new Promise((r) => setTimeout(r, 300));
      }
      const refused = registrations.filter((s) => s === 503).length;
      expect(refused).toBeGreaterThan(0); // answered by the flaky upstream, not retried elsewhere
      expect(hits.filter((h) => h === 'POST /v1/rewards').length).toBe(refused);
      expect(registrations.filter((s) => s !== 503).every((s) => s === 200)).toBe(true); // B: same content, created: false
    } finally {
      await front.stop();
      flaky.close();
    }
  }, 90_000);
});

describe.skipIf(missing !== '')('jobs behind nginx', () => {
  let backend: Backend;
  let replicas: SpawnedServer[];
  let nginx: Nginx;

  beforeAll(async () => {
    backend = await postgres[1]();
    const env = {
      ...process.env,
      ...backend.env,
      SANDBOX_PYTHON: 'off',
      POOL_SIZE: '1',
      SANDBOX_POOL_SIZE: '1',
      LOG_LEVEL: 'info',
      REWARD_MODULES: fixtureRules.join(','),
      JOB_LEASE_MS: '10000',
    };
    replicas = await Promise.all([spawnServer(env), spawnServer(env)]);
    nginx = await startNginx(replicas.map((r) => r.url.slice('http://'.length)));
  }, 300_000);

  afterAll(async () => {
    await nginx?.stop();
    for (const server of replicas ?? []) server.child.kill('SIGKILL');
    await backend?.cleanup();
  });

  it('a job is polled on either replica, and finished by the other when the replica running it is SIGKILLed mid-job', async () => {
    // Eight groups of one 1.5 s cell on one worker: 12 s of work, long enough to be cut in the middle.
    const body = {
      rewards: [{ id: 'test-sleep', params: { ms: 1500 } }],
      groups: Array.from({ length: 8 }, (_, i) => ({ id: `g${i}`, completions: [`job ${i}`] })),
    };
    const submitted = await post(`${nginx.url}/v1/jobs`, body);
    expect(submitted.status).toBe(202);
    const { id } = submitted.json;

    const polls: number[] = [];
    const poll = async () => {
      const response = await fetch(`${nginx.url}/v1/jobs/${id}`);
      polls.push(response.status);
      return response.json() as Promise<{ status: string; progress: { groups_done: number }; result?: any }>;
    };
    await expect.poll(async () => (await poll()).progress.groups_done, { timeout: 90_000, interval: 200 }).toBeGreaterThanOrEqual(1);
    const runner = replicas.findIndex((r) => r.output().includes(`"job":"${id}","msg":"job started"`));
    expect(runner).toBeGreaterThanOrEqual(0);
    const survivor = replicas[1 - runner];
    replicas[runner].child.kill('SIGKILL');

    await expect.poll(async () => (await poll()).status, { timeout: 120_000, interval: 500 }).toBe('done');
    const job = await poll();
    expect(job.result.groups.map((g: any) => [g.id, g.completions[0].reward])).toEqual(body.groups.map((g) => [g.id, 1]));
    expect(survivor.output()).toContain(`"job":"${id}","msg":"job started"`); // taken over, not lost
    expect(new Set(polls)).toEqual(new Set([200])); // every poll answered, before and after the kill
    console.info(`scale-out jobs: ${polls.length} polls through nginx, all 200; job ${id} finished by the surviving replica`);
  }, 240_000);
});
