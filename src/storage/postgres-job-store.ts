/**
 * The job store for replicas: job records (request, progress, result) in a
 * PostgreSQL table any replica reads, and their dispatch through pg-boss: a
 * job is claimed with SKIP LOCKED by one replica, which keeps a heartbeat on
 * it while it runs; when the heartbeat stops (the replica died), pg-boss's
 * monitor, running on every replica, puts the job back for another to claim.
 * The record and its pg-boss job are written in one transaction.
 *
 * Connections are the rule store's (postgres-pool.ts): a database that drops
 * or refuses them is 503 VERDICT_STORE_UNAVAILABLE for a submission or a poll,
 * never a crash; pg-boss's own pool gets the same deadlines, and its errors
 * (a lost connection in its polling or monitoring) go to `onError`.
 */
import type pg from 'pg';
import type { Job } from 'pg-boss';
import { clientConfig, createPostgresPool, guarded, inTransaction } from './postgres-pool.ts';
import {
  fromJobRow,
  jobColumns,
  liveJobRecord,
  lostJob,
  MAX_ATTEMPTS,
  outcomeColumns,
  tooMany,
  type ClaimedJob,
  type JobOutcome,
  type JobRow,
  type JobStore,
  type JobStoreOptions,
} from './job-store.ts';

const QUEUE = 'verdict-jobs';
const LOCK = 7_201_003; // advisory lock serializing job creation (keeps MAX_JOBS exact) and the migration
const SCHEMA = `CREATE TABLE IF NOT EXISTS verdict_jobs (
  id TEXT PRIMARY KEY,
  status TEXT NOT NULL,
  request TEXT,
  groups INTEGER NOT NULL,
  groups_done INTEGER NOT NULL DEFAULT 0,
  result TEXT,
  error_code TEXT,
  error_message TEXT,
  created_at BIGINT NOT NULL,
  started_at BIGINT,
  finished_at BIGINT
)`;
const POLL_SECONDS = 1; // how soon an idle replica claims a queued job
const MAX_RUN_SECONDS = 24 * 3600; // pg-boss's own cap on a job's active time; the heartbeat is what detects a death

/** A pg-boss job's data: the record's id, and the claims of the pg-boss jobs it replaced (postponed). */
type Dispatch = { id: string; claims?: number };

/** pg-boss's statements on `client`, inside its transaction. */
const executor = (client: pg.PoolClient) => ({ db: { executeSql: (text: string, values?: unknown[]) => client.query(text, values) } });

export async function createPostgresJobStore(connectionString: string, options: JobStoreOptions): Promise<JobStore> {
  const onError = options.onError ?? (() => undefined);
  const pool = createPostgresPool(connectionString, onError);
  await inTransaction(pool, LOCK, (client) => client.query(SCHEMA));

  const leaseSeconds = Math.max(10, Math.round(options.leaseMs / 1000)); // pg-boss's minimum heartbeat
  const checkSeconds = Math.max(1, Math.floor(leaseSeconds / 3));
  // Loaded here only: a server on SQLite, and the CLI, never need it (scripts/build.js).
  const { PgBoss } = await import('pg-boss');
  const boss = new PgBoss({ ...clientConfig(connectionString), max: 4, superviseIntervalSeconds: checkSeconds, monitorIntervalSeconds: checkSeconds });
  boss.on('error', onError);
  await boss.start();
  if (!(await boss.getQueue(QUEUE))) {
    // retryLimit leaves one claim more than MAX_ATTEMPTS: the one that records the job as lost.
    await boss.createQueue(QUEUE, {
      heartbeatSeconds: leaseSeconds,
      retryLimit: MAX_ATTEMPTS,
      expireInSeconds: MAX_RUN_SECONDS,
      deleteAfterSeconds: Math.ceil(options.ttlMs / 1000),
    });
  }

  const stopping = new AbortController();
  const end = (id: string, outcome: JobOutcome) => {
    const { status, result, code, message } = outcomeColumns(outcome);
    return guarded(() =>
      pool.query(
        `UPDATE verdict_jobs SET status = $2, result = $3, error_code = $4, error_message = $5, finished_at = $6, request = NULL,
         groups_done = CASE WHEN $2 = 'done' THEN groups ELSE groups_done END WHERE id = $1`,
        [id, status, result, code, message, Date.now()],
      ),
    );
  };

  return {
    backend: 'postgres',
    create: (job) =>
      inTransaction(pool, LOCK, async (client) => {
        const now = Date.now();
        await client.query("DELETE FROM verdict_jobs WHERE status IN ('done', 'failed') AND finished_at < $1", [now - options.ttlMs]);
        await client.query(
          "DELETE FROM verdict_jobs WHERE id IN (SELECT id FROM verdict_jobs WHERE status IN ('done', 'failed') ORDER BY finished_at DESC, id OFFSET $1)",
          [options.maxFinished],
        );
        const { rows } = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM verdict_jobs WHERE status IN ('queued', 'running')");
        tooMany(rows[0].n, options);
        const { rows: inserted } = await client.query<JobRow>(
          `INSERT INTO verdict_jobs (id, status, request, groups, created_at) VALUES ($1, 'queued', $2, $3, $4) RETURNING ${jobColumns}`,
          [job.id, job.request, job.groups, now],
        );
        // In the same transaction: a job is never recorded without being queued, nor queued without its record.
        await boss.send(QUEUE, { id: job.id } satisfies Dispatch, executor(client));
        return fromJobRow(inserted[0]);
      }),
    async get(id) {
      const { rows } = await guarded(() => pool.query<JobRow>(`SELECT ${jobColumns} FROM verdict_jobs WHERE id = $1`, [id]));
      return liveJobRecord(rows[0], options.ttlMs);
    },
    work(run) {
      const handler = async ([job]: Job<Dispatch>[]) => {
        const { id } = job.data;
        const claims = job.retryCount + (job.data.claims ?? 0);
        if (claims >= MAX_ATTEMPTS) {
          await end(id, { error: lostJob(claims) });
          return;
        }
        const { rows } = await guarded(() =>
          pool.query<{ request: string | null }>(
            "UPDATE verdict_jobs SET status = 'running', groups_done = 0, started_at = coalesce(started_at, $2) WHERE id = $1 AND status IN ('queued', 'running') RETURNING request",
            [id, Date.now()],
          ),
        );
        if (rows[0]?.request == null) return; // evicted, or finished by an earlier claim
        let finished = false;
        const claimed: ClaimedJob = {
          id,
          request: rows[0].request,
          signal: AbortSignal.any([job.signal, stopping.signal]),
          progress: async (done) =>
            void (await guarded(() => pool.query("UPDATE verdict_jobs SET groups_done = $2 WHERE id = $1 AND status = 'running'", [id, done]))),
          async finish(outcome) {
            await end(id, outcome);
            finished = true;
          },
          async postpone() {
            // This pg-boss job completes and a new one queues the record, in one transaction: the
            // claims so far ride along, this one not among them.
            await inTransaction(pool, undefined, async (client) => {
              await boss.complete(QUEUE, job, null, executor(client));
              await client.query("UPDATE verdict_jobs SET status = 'queued' WHERE id = $1 AND status = 'running'", [id]);
              await boss.send(QUEUE, { id, claims } satisfies Dispatch, executor(client));
            });
            finished = true;
          },
        };
        await run(claimed);
        // Not finished: thrown, so pg-boss puts it back for the next claim.
        if (!finished) throw new Error(`job ${id} given back: ${String(claimed.signal.reason?.message ?? 'not finished')}`);
      };
      boss
        .work<Dispatch>(QUEUE, { localConcurrency: options.concurrency, pollingIntervalSeconds: POLL_SECONDS, heartbeatRefreshSeconds: checkSeconds }, handler)
        .catch((error: Error) => onError(error));
    },
    async close() {
      stopping.abort(new Error('stopping'));
      await boss.stop({ graceful: true, timeout: 10_000 });
      await pool.end();
    },
  };
}
