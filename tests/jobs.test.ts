/**
 * Background jobs on both stores (SQLite, and PostgreSQL when TEST_DATABASE_URL
 * is set): submit and poll, bad input refused at submission, finished jobs
 * evicted rather than refusing new ones, MAX_JOBS counting only queued and
 * running jobs, and a job whose process was SIGKILLed taken over once its
 * lease lapses. Two replicas behind nginx: tests/scale-out.test.ts.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobStore } from '../src/storage/create-job-store.ts';
import type { JobStore } from '../src/storage/job-store.ts';
import { buildTestApp, createGate } from './helpers.ts';
import { backends, type Backend } from './storage-backends.ts';

const echo = (values: string[][]) => ({ rewards: [{ id: 'test-echo' }], groups: values.map((completions) => ({ completions })) });
const sleepy = (ms: number, cells: number) => ({
  rewards: [{ id: 'test-sleep', params: { ms } }],
  groups: [{ completions: Array.from({ length: cells }, (_, i) => `s${i}`) }],
});

describe.each(backends)('jobs on %s', (name, create, available) => {
  let backend: Backend;
  let app: FastifyInstance;
  beforeAll(async () => {
    if (!available) return;
    backend = await create();
    app = await buildTestApp({ ...backend.config, maxJobs: 2, maxFinishedJobs: 2, jobConcurrency: 1 });
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await backend?.cleanup();
  });

  const submit = (body: unknown) => app.inject({ method: 'POST', url: '/v1/jobs', payload: body as object });
  const poll = (id: string) => app.inject({ method: 'GET', url: `/v1/jobs/${id}` });
  const finished = async (id: string) => {
    await expect.poll(async () => poll(id).then((r) => r.json().status), { timeout: 60_000 }).toMatch(/^(done|failed)$/);
    return (await poll(id)).json();
  };

  it.skipIf(!available)('runs a submitted batch in the background and returns the result when polled', async () => {
    const submitted = await submit(echo([['1', '0'], ['0.5']]));
    expect(submitted.statusCode).toBe(202);
    const { id, status, progress } = submitted.json();
    expect(submitted.headers.location).toBe(`/v1/jobs/${id}`);
    expect(['queued', 'running']).toContain(status);
    expect(progress).toEqual({ groups_done: 0, groups: 2 });
    const job = await finished(id);
    expect(job).toMatchObject({ status: 'done', progress: { groups_done: 2, groups: 2 } });
    expect(job.result.groups[0].completions.map((c: { reward: number }) => c.reward)).toEqual([1, 0]);
    expect(Date.parse(job.finished_at)).toBeGreaterThanOrEqual(Date.parse(job.created_at));
  });

  it.skipIf(!available)('rejects bad input at submission, not as a failed job, and unknown ids at polling', async () => {
    const bad = await submit({ rewards: [{ id: 'nope' }], groups: [{ completions: ['a'] }] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('VERDICT_UNKNOWN_REWARD');
    const unknown = await poll('does-not-exist');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('VERDICT_JOB_NOT_FOUND');
  });

  it.skipIf(!available)('never lets finished jobs block new ones: the oldest finished are evicted (MAX_FINISHED_JOBS)', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const submitted = await submit(echo([[String(i)]]));
      expect(submitted.statusCode).toBe(202); // MAX_JOBS is 2: only queued and running jobs count
      ids.push(submitted.json().id);
      await finished(ids[i]);
    }
    const last = (await submit(echo([['5']]))).json().id; // evicts past MAX_FINISHED_JOBS (2) at submission
    const statuses = await Promise.all(ids.map(async (id) => (await poll(id)).statusCode));
    expect(statuses).toEqual([404, 404, 404, 200, 200]);
    await finished(last);
  });

  it.skipIf(!available)('refuses a job beyond MAX_JOBS queued or running with 503 and Retry-After', async () => {
    const gate = createGate(); // the first job runs until the other two are submitted
    const running = await submit({ ...sleepy(1, 3), rewards: [{ id: 'test-sleep', params: { gate: gate.path } }] });
    const queued = await submit(sleepy(1, 1));
    const refused = await submit(sleepy(1, 1));
    expect([running.statusCode, queued.statusCode]).toEqual([202, 202]);
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['retry-after']).toBe('30'); // a slot frees when a whole job ends: not a resubmission every second
    expect(refused.json().code).toBe('VERDICT_TOO_MANY_JOBS');
    gate.open();
    for (const { json } of [running, queued]) expect((await finished(json().id)).status).toBe('done');
    expect((await submit(sleepy(1, 1))).statusCode).toBe(202); // room again
    gate.remove();
  });
});

describe.each(backends)('a job whose process died, on %s', (name, create, available) => {
  let backend: Backend;
  let store: JobStore;
  afterAll(async () => {
    await store?.close();
    await backend?.cleanup();
  });

  it.skipIf(!available)(
    'is taken over once its lease lapses and finished by another process, claimed twice in all',
    async () => {
      backend = await create();
      store = await createJobStore(backend.config, { maxActive: 10, maxFinished: 10, ttlMs: 3_600_000, leaseMs: 10_000, concurrency: 1 });
      await store.create({ id: 'orphan', groups: 1, request: '{}' });

      const holder = spawn(process.execPath, ['--import', 'tsx', 'tests/fixtures/claim-job.ts'], {
        env: { ...process.env, ...backend.env },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      holder.stdout!.on('data', (d) => (out += d));
      await expect.poll(() => out, { timeout: 90_000 }).toContain('claimed orphan');
      expect((await store.get('orphan'))?.status).toBe('running');
      holder.kill('SIGKILL');
      await once(holder, 'exit');

      const claims: string[] = [];
      store.work(async (job) => {
        claims.push(job.id);
        await job.finish({ result: '{"taken":"over"}' });
      });
      await expect.poll(async () => (await store.get('orphan'))?.status, { timeout: 60_000 }).toBe('done');
      expect(claims).toEqual(['orphan']);
      expect(await store.get('orphan')).toMatchObject({ status: 'done', result: '{"taken":"over"}', progress: { groups_done: 1, groups: 1 } });
    },
    180_000,
  );
});
