/**
 * A database fault is a 503, never a crash. The real server on a PostgreSQL
 * cluster of this test's own: its backends are killed (pg_terminate_backend)
 * under a load of registrations, job submissions and polls, scoring and
 * listing, then the cluster is stopped and started (pg_ctl). The server keeps
 * running; a request that needs the store (rules or jobs) gets 503
 * VERDICT_STORE_UNAVAILABLE with Retry-After; scoring with the rules already
 * loaded keeps answering; once the database is back, registration and jobs
 * work again, every acknowledged job finishes, LISTEN is re-subscribed and a
 * change missed while disconnected is picked up by the re-sync.
 * Regressions: a connection dropped during a registration, then during a job
 * submission, killed the replica (an unhandled `error` event on the client
 * checked out by inTransaction); the job store's errors were 500s.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScoreResponse } from '../src/scoring/types.ts';
import { BUSY_TIMEOUT_MS, openSqlite, relaxed } from '../src/storage/open-sqlite.ts';
import { buildTestApp } from './helpers.ts';
import { pgMissing, startCluster, type Cluster } from './pg-cluster.ts';
import { spawnServer, type SpawnedServer } from './spawn-server.ts';
import { tempDir } from './storage-backends.ts';

if (pgMissing) console.warn(`store fault test SKIPPED: ${pgMissing}`);

const good = '<think>2+2</think> 4';
const preset = (id: string, n: number) => ({ id, kind: 'preset', description: `#${n}`, rule: 'think-format', examples: [{ completion: good, expected: 1 }] });
const scoring = { rewards: [{ id: 'kept' }], groups: [{ completions: [good, 'no think'] }] };

/** What the routes this test calls answer: a score, a job, or an error. */
interface Reply {
  code?: string;
  id: string;
  status?: string;
  error?: unknown;
  groups: ScoreResponse['groups'];
  result?: ScoreResponse;
}

interface Outcome {
  what: 'register' | 'score' | 'list' | 'submit' | 'poll';
  status: number;
  code?: string;
  retryAfter?: string | null;
  id?: string;
}

describe.skipIf(pgMissing !== '')('PostgreSQL faults', () => {
  let cluster: Cluster;
  let server: SpawnedServer;
  const dataDir = tempDir();

  const call = async (what: Outcome['what'], method: string, path: string, body?: object): Promise<Outcome & { json: Reply }> => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = (await response.json().catch(() => null)) as Reply;
    return { what, status: response.status, code: json?.code, retryAfter: response.headers.get('retry-after'), json };
  };
  const alive = () => expect(server.child.exitCode, server.output().slice(-2000)).toBeNull();

  beforeAll(async () => {
    cluster = await startCluster();
    await cluster.query('CREATE DATABASE verdict');
    server = await spawnServer({
      ...process.env,
      DATABASE_URL: cluster.urlOf('verdict'),
      DATA_DIR: dataDir,
      SANDBOX_PYTHON: 'off',
      POOL_SIZE: '1',
      SANDBOX_POOL_SIZE: '1',
      LOG_LEVEL: 'warn',
      // Jobs are limited by the database's faults here, not by MAX_JOBS; a lapsed claim is retried soon;
      // four run at once, so the backlog piled up under load drains in a few polls.
      MAX_JOBS: '100000',
      MAX_FINISHED_JOBS: '100000',
      JOB_LEASE_MS: '10000',
      JOB_CONCURRENCY: '4',
    });
    expect((await call('register', 'POST', '/v1/rewards', preset('kept', 0))).status).toBe(201);
    const first = await call('submit', 'POST', '/v1/jobs', scoring);
    expect(first.status).toBe(202);
    jobs.push(first.json.id);
  }, 300_000);

  afterAll(async () => {
    server?.child.kill('SIGKILL');
    await cluster?.destroy();
  });

  const acknowledged: string[] = [];
  /** Jobs acknowledged with 202: each must finish once the database is back. */
  const jobs: string[] = [];

  /** Clients registering, scoring and listing until `until` resolves; every answer is kept. */
  async function load(until: Promise<unknown>): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    let done = false;
    void until.finally(() => (done = true));
    let n = 0;
    const client = async (kind: number) => {
      while (!done) {
        if (kind === 0) {
          const id = `loaded-${n++}`;
          const outcome = await call('register', 'POST', '/v1/rewards', preset(id, n));
          outcomes.push({ ...outcome, id });
          if (outcome.status === 201) acknowledged.push(id);
        } else if (kind === 1) {
          const outcome = await call('score', 'POST', '/v1/score', scoring);
          outcomes.push({
            ...outcome,
            status: outcome.status === 200 && outcome.json.groups[0].completions.map((c) => c.reward).join() === '1,0' ? 200 : -outcome.status,
          });
        } else if (kind === 2) {
          outcomes.push(await call('list', 'GET', '/v1/rewards'));
        } else if (kind === 3) {
          const outcome = await call('submit', 'POST', '/v1/jobs', scoring);
          outcomes.push(outcome);
          if (outcome.status === 202) jobs.push(outcome.json.id);
        } else {
          outcomes.push(await call('poll', 'GET', `/v1/jobs/${jobs.at(-1)}`));
        }
      }
    };
    await Promise.all([client(0), client(0), client(1), client(2), client(3), client(4)]);
    return outcomes;
  }

  function expectOnlyUnavailable(outcomes: Outcome[]): void {
    const ok = { register: 201, submit: 202, poll: 200 } as Record<string, number>;
    const wrong = outcomes.filter((o) => {
      if (!ok[o.what]) return o.status !== 200; // scoring and listing read memory: never affected
      if (o.status === ok[o.what]) return false;
      return !(o.status === 503 && o.code === 'VERDICT_STORE_UNAVAILABLE' && o.retryAfter === '5');
    });
    expect(wrong, JSON.stringify(wrong.slice(0, 5))).toEqual([]);
  }

  it('survives pg_terminate_backend of every connection, again and again, under load', { timeout: 120_000 }, async () => {
    const kills = (async () => {
      let ended = 0;
      for (let i = 0; i < 8; i++) {
        await new Promise((r) => setTimeout(r, 400));
        ended += await cluster.terminateBackends();
      }
      return ended;
    })();
    const outcomes = await load(kills);
    alive();
    expect(await kills).toBeGreaterThan(0); // connections were really ended (the listener's, at least)
    expectOnlyUnavailable(outcomes);
    expect(outcomes.filter((o) => o.what === 'register' && o.status === 201).length).toBeGreaterThan(0);
    expect(outcomes.filter((o) => o.what === 'submit' && o.status === 202).length).toBeGreaterThan(0);
    expect(outcomes.filter((o) => o.what === 'score').length).toBeGreaterThan(0);
    const statuses = (what: Outcome['what']) =>
      outcomes
        .filter((o) => o.what === what)
        .map((o) => o.status)
        .join(',');
    console.info(
      `store faults: ${outcomes.length} requests while backends were killed 8 times; registrations ${statuses('register')}; job submissions ${statuses('submit')}`,
    );
  });

  it('answers 503 with Retry-After while PostgreSQL is stopped, keeps scoring, and recovers when it starts', { timeout: 120_000 }, async () => {
    await cluster.stop();
    const down = await load(new Promise((r) => setTimeout(r, 3_000)));
    alive();
    expectOnlyUnavailable(down);
    for (const what of ['register', 'submit', 'poll'] as const) {
      expect(down.filter((o) => o.what === what).length).toBeGreaterThan(0);
      expect(down.filter((o) => o.what === what).every((o) => o.status === 503)).toBe(true);
    }
    expect(down.filter((o) => o.what === 'score').length).toBeGreaterThan(0);
    const deprecate = await call('register', 'DELETE', '/v1/rewards/kept');
    expect(deprecate).toMatchObject({ status: 503, code: 'VERDICT_STORE_UNAVAILABLE', retryAfter: '5' });
    expect((await call('list', 'GET', '/readyz')).status).toBe(200); // the pools still score: readiness does not flap with the store

    await cluster.start();
    let back = await call('register', 'POST', '/v1/rewards', preset('after-restart', 1));
    for (let i = 0; i < 60 && back.status === 503; i++) {
      await new Promise((r) => setTimeout(r, 500));
      back = await call('register', 'POST', '/v1/rewards', preset('after-restart', 1));
    }
    expect(back.status).toBe(201);
    const job = await call('submit', 'POST', '/v1/jobs', scoring);
    expect(job.status).toBe(202);
    jobs.push(job.json.id);
    alive();
  });

  it('re-subscribes LISTEN and re-syncs what it missed while disconnected', { timeout: 60_000 }, async () => {
    const visible = async (id: string, withinMs: number) => {
      const until = Date.now() + withinMs;
      do {
        if ((await call('list', 'GET', `/v1/rewards/${id}`)).status === 200) return true;
        await new Promise((r) => setTimeout(r, 100));
      } while (Date.now() < until);
      return false;
    };
    // The server cannot reconnect while its database refuses connections; a rule written and notified
    // meanwhile is a notification nobody received.
    const admin = await cluster.connect();
    const writer = await cluster.connect('verdict');
    try {
      await cluster.query('ALTER DATABASE verdict ALLOW_CONNECTIONS false', [], admin);
      expect(await cluster.terminateBackends(admin)).toBeGreaterThan(0);
      await writeRule(writer, 'missed-while-down');
      await new Promise((r) => setTimeout(r, 1_500));
      expect(await visible('missed-while-down', 0)).toBe(false);
      await cluster.query('ALTER DATABASE verdict ALLOW_CONNECTIONS true', [], admin);
      expect(await visible('missed-while-down', 30_000)).toBe(true); // the re-sync after reconnecting found it
      await writeRule(writer, 'seen-after');
      expect(await visible('seen-after', 30_000)).toBe(true); // LISTEN is subscribed again: nothing but a notification shows it now
    } finally {
      await Promise.all([admin.end(), writer.end()]);
    }
    alive();
  });

  it('finishes every acknowledged job once the database is back', { timeout: 120_000 }, async () => {
    const statusOf = async (id: string) => (await call('poll', 'GET', `/v1/jobs/${id}`)).json?.status;
    for (const id of jobs) {
      await expect.poll(() => statusOf(id), { timeout: 60_000, interval: 200 }).toMatch(/^(done|failed)$/);
      const { status, error } = (await call('poll', 'GET', `/v1/jobs/${id}`)).json;
      expect({ id, status, error }).toEqual({ id, status: 'done', error: undefined });
    }
    const last = (await call('poll', 'GET', `/v1/jobs/${jobs.at(-1)}`)).json;
    expect(last.result!.groups[0].completions.map((c) => c.reward)).toEqual([1, 0]);
    expect(jobs.length).toBeGreaterThan(2);
    alive();
  });

  it('lost no acknowledged registration', async () => {
    const missing = [];
    for (const id of acknowledged) if ((await call('list', 'GET', `/v1/rewards/${id}`)).status !== 200) missing.push(id);
    expect(acknowledged.length).toBeGreaterThan(0);
    expect(missing).toEqual([]);
    alive();
  });
});

/** A rule written straight into the table, with the notification a server would send. */
async function writeRule(client: pg.Client, id: string): Promise<void> {
  const definition = JSON.stringify({ kind: 'preset', rule: 'think-format', range: [0, 1], examples: [] });
  await client.query("INSERT INTO rule_versions (id, version, kind, definition, hash) VALUES ($1, 1, 'preset', $2, 'sha256:x')", [id, definition]);
  await client.query("SELECT pg_notify('verdict_rules', $1)", [id]);
}

describe('SQLite faults', () => {
  it('answers 503 with Retry-After while another process holds the write lock, and stores once it is released', { timeout: 300_000 }, async () => {
    const dataDir = tempDir();
    const app = await buildTestApp({ dataDir, poolSize: 1, sandboxPoolSize: 1, pythonSandbox: 'off' });
    const other = new Database(path.join(dataDir, 'rules.sqlite'));
    try {
      other.prepare('BEGIN IMMEDIATE').run(); // another writer that does not let go (past busy_timeout)
      const blocked = await app.inject({ method: 'POST', url: '/v1/rewards', payload: preset('locked-out', 0) });
      expect(blocked.statusCode).toBe(503);
      expect(blocked.json()).toMatchObject({ code: 'VERDICT_STORE_UNAVAILABLE', message: expect.stringContaining('SQLITE_BUSY') });
      expect(blocked.headers['retry-after']).toBe('5');
      const scored = await app.inject({ method: 'POST', url: '/v1/score', payload: { rewards: [{ id: 'think-format' }], groups: [{ completions: [good] }] } });
      expect(scored.statusCode).toBe(200);
      other.prepare('ROLLBACK').run();
      expect((await app.inject({ method: 'POST', url: '/v1/rewards', payload: preset('locked-out', 0) })).statusCode).toBe(201);
    } finally {
      other.close();
      await app.close();
    }
  });
});

describe('SQLite faults in the job store', () => {
  it('answers a submission 503 with Retry-After while another process holds the jobs file, and runs it once released', { timeout: 300_000 }, async () => {
    const dataDir = tempDir();
    const app = await buildTestApp({ dataDir, poolSize: 1, sandboxPoolSize: 1, pythonSandbox: 'off' });
    const other = new Database(path.join(dataDir, 'jobs.sqlite'));
    const job = { rewards: [{ id: 'think-format' }], groups: [{ completions: [good, 'no think'] }] };
    try {
      other.prepare('BEGIN IMMEDIATE').run();
      // Regression: the job store waited 5 s (the event loop blocked) and then answered 500 VERDICT_INTERNAL.
      const blocked = await app.inject({ method: 'POST', url: '/v1/jobs', payload: job });
      expect(blocked.statusCode).toBe(503);
      expect(blocked.json()).toMatchObject({ code: 'VERDICT_STORE_UNAVAILABLE', message: expect.stringContaining('SQLITE_BUSY') });
      expect(blocked.headers['retry-after']).toBe('5');
      other.prepare('ROLLBACK').run();
      const submitted = await app.inject({ method: 'POST', url: '/v1/jobs', payload: job });
      expect(submitted.statusCode).toBe(202);
      const poll = async () => (await app.inject({ method: 'GET', url: `/v1/jobs/${submitted.json().id}` })).json();
      await expect.poll(async () => (await poll()).status, { timeout: 60_000 }).toBe('done');
      expect((await poll()).result.groups[0].completions.map((c: { reward: number }) => c.reward)).toEqual([1, 0]);
    } finally {
      other.close();
      await app.close();
    }
  });

  it('never records a result the store refused to take as the job failing: the job runs again and is done', { timeout: 300_000 }, async () => {
    const dataDir = tempDir();
    const app = await buildTestApp({ dataDir, poolSize: 1, sandboxPoolSize: 1, pythonSandbox: 'off' });
    const other = new Database(path.join(dataDir, 'jobs.sqlite'));
    try {
      // A fault in the real file: storing the result of a job's first claim fails.
      other.exec(
        "CREATE TRIGGER refuse_first_result BEFORE UPDATE ON jobs WHEN NEW.status = 'done' AND OLD.attempts = 1 BEGIN SELECT RAISE(ABORT, 'disk said no'); END",
      );
      const submitted = await app.inject({
        method: 'POST',
        url: '/v1/jobs',
        payload: { rewards: [{ id: 'think-format' }], groups: [{ completions: [good] }] },
      });
      expect(submitted.statusCode).toBe(202);
      const poll = async () => (await app.inject({ method: 'GET', url: `/v1/jobs/${submitted.json().id}` })).json();
      await expect.poll(async () => (await poll()).status, { timeout: 60_000 }).toMatch(/^(done|failed)$/);
      expect(await poll()).toMatchObject({ status: 'done', progress: { groups_done: 1, groups: 1 } }); // regression: failed SQLITE_CONSTRAINT_TRIGGER
      expect(other.prepare('SELECT attempts FROM jobs').get()).toEqual({ attempts: 2 });
    } finally {
      other.close();
      await app.close();
    }
  });

  it('opens every store file with the same short lock wait and full durability; a relaxed write restores it', () => {
    const db = openSqlite(path.join(tempDir(), 'x.sqlite'), ['CREATE TABLE t (n INTEGER)']);
    try {
      expect(db.pragma('busy_timeout', { simple: true })).toBe(BUSY_TIMEOUT_MS);
      expect(BUSY_TIMEOUT_MS).toBeLessThanOrEqual(1_000); // the wait blocks the event loop: a 503, not a stall
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      const FULL = 2;
      const NORMAL = 1;
      expect(db.pragma('synchronous', { simple: true })).toBe(FULL);
      expect(relaxed(db, () => db.pragma('synchronous', { simple: true }))).toBe(NORMAL);
      expect(db.pragma('synchronous', { simple: true })).toBe(FULL);
      expect(() => relaxed(db, () => db.prepare('INSERT INTO nowhere VALUES (1)').run())).toThrow(/no such table/);
      expect(db.pragma('synchronous', { simple: true })).toBe(FULL); // restored after a failed write too
      expect(db.pragma('user_version', { simple: true })).toBe(1);
    } finally {
      db.close();
    }
  });
});
