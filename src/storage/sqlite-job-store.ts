/**
 * The job store of a single replica: one SQLite file under the data directory
 * (beside the rule store, migrated on its own). Claims are rows updated in an
 * IMMEDIATE transaction, with a lease the holder renews; a job left `running`
 * by a process that died is claimed again once its lease has lapsed, by this
 * process after a restart or by another sharing the file.
 */
import { randomUUID } from 'node:crypto';
import { createClaimLoop } from './claim-loop.ts';
import {
  fromJobRow,
  jobColumns,
  liveJobRecord,
  lostJob,
  MAX_ATTEMPTS,
  outcomeColumns,
  tooMany,
  type JobRow,
  type JobStore,
  type JobStoreOptions,
} from './job-store.ts';
import { guarded, openSqlite, relaxed } from './open-sqlite.ts';

/** Applied in order; PRAGMA user_version records how many ran. */
const migrations = [
  `CREATE TABLE jobs (
     id TEXT PRIMARY KEY,
     status TEXT NOT NULL,
     request TEXT,
     groups INTEGER NOT NULL,
     groups_done INTEGER NOT NULL DEFAULT 0,
     result TEXT,
     error_code TEXT,
     error_message TEXT,
     created_at INTEGER NOT NULL,
     started_at INTEGER,
     finished_at INTEGER,
     owner TEXT,
     lease_until INTEGER,
     attempts INTEGER NOT NULL DEFAULT 0
   )`,
  'CREATE INDEX jobs_by_status ON jobs (status, created_at)',
];

const POLL_MS = 500; // how soon a job queued by another process, or a lapsed lease, is noticed

export function createSqliteJobStore(file: string, options: JobStoreOptions): JobStore {
  const db = openSqlite(file, migrations); // as the rule store: an acknowledged job is on disk; a held lock is a 503

  const owner = randomUUID();
  const finishedStates = "status IN ('done', 'failed')";
  const evictOld = db.prepare<[number]>(`DELETE FROM jobs WHERE ${finishedStates} AND finished_at < ?`);
  const evictBeyond = db.prepare<[number]>(
    `DELETE FROM jobs WHERE id IN (SELECT id FROM jobs WHERE ${finishedStates} ORDER BY finished_at DESC, id LIMIT -1 OFFSET ?)`,
  );
  const countActive = db.prepare<[], { n: number }>("SELECT count(*) AS n FROM jobs WHERE status IN ('queued', 'running')");
  const insert = db.prepare<{ id: string; request: string; groups: number; now: number }, JobRow>(
    `INSERT INTO jobs (id, status, request, groups, created_at) VALUES (@id, 'queued', @request, @groups, @now) RETURNING ${jobColumns}`,
  );
  const select = db.prepare<[string], JobRow>(`SELECT ${jobColumns} FROM jobs WHERE id = ?`);
  const next = db.prepare<{ now: number }, { id: string; attempts: number; request: string }>(
    "SELECT id, attempts, request FROM jobs WHERE status = 'queued' OR (status = 'running' AND lease_until < @now) ORDER BY created_at LIMIT 1",
  );
  const take = db.prepare(
    "UPDATE jobs SET status = 'running', owner = @owner, lease_until = @lease, attempts = attempts + 1, started_at = coalesce(started_at, @now) WHERE id = @id",
  );
  const end = db.prepare(
    `UPDATE jobs SET status = @status, result = @result, error_code = @code, error_message = @message, finished_at = @now,
       groups_done = CASE WHEN @status = 'done' THEN groups ELSE groups_done END,
       request = NULL, owner = NULL, lease_until = NULL WHERE id = @id AND (owner = @owner OR @owner IS NULL)`,
  );
  const renew = db.prepare("UPDATE jobs SET lease_until = @lease WHERE id = @id AND owner = @owner AND status = 'running'");
  const giveBack = db.prepare<{ id: string; owner: string; uncounted: number }>(
    "UPDATE jobs SET status = 'queued', owner = NULL, lease_until = NULL, attempts = attempts - @uncounted WHERE id = @id AND owner = @owner AND status = 'running'",
  );
  const progress = db.prepare("UPDATE jobs SET groups_done = @done WHERE id = @id AND owner = @owner AND status = 'running'");

  const create = db.transaction((job: { id: string; groups: number; request: string }) => {
    const now = Date.now();
    evictOld.run(now - options.ttlMs);
    evictBeyond.run(options.maxFinished);
    tooMany(countActive.get()!.n, options);
    return insert.get({ ...job, now })!;
  });
  const claim = db.transaction(() => {
    for (;;) {
      const now = Date.now();
      const row = next.get({ now });
      if (!row) return undefined;
      if (row.attempts >= MAX_ATTEMPTS) {
        end.run({ id: row.id, owner: null, ...outcomeColumns({ error: lostJob(row.attempts) }), now });
        continue;
      }
      take.run({ id: row.id, owner, lease: now + options.leaseMs, now });
      return { id: row.id, request: row.request };
    }
  });

  const loop = createClaimLoop({
    concurrency: options.concurrency,
    leaseMs: options.leaseMs,
    pollMs: POLL_MS,
    onError: options.onError,
    // A poll that finds nothing queued takes no write lock, which may be waited for on the event loop
    // (BUSY_TIMEOUT_MS) while another process writes; in WAL a read waits for no one. The transaction reads the row again.
    claim: async () => guarded(() => (next.get({ now: Date.now() }) ? claim.immediate() : undefined)),
    // Progress and renewals (one per job every few hundred ms, and per lease third) skip the fsync:
    // a lost progress count is corrected by the next write, and a renewal is lost only with the
    // machine, which took its holder with it, so the lease was due to lapse anyway.
    renew: async (id) => guarded(() => relaxed(db, () => renew.run({ id, owner, lease: Date.now() + options.leaseMs }).changes > 0)),
    release: async (id) => void guarded(() => giveBack.run({ id, owner, uncounted: 0 })),
    postpone: async (id) => void guarded(() => giveBack.run({ id, owner, uncounted: 1 })),
    progress: async (id, done) => void guarded(() => relaxed(db, () => progress.run({ id, owner, done }))),
    finish: async (id, outcome) => void guarded(() => end.run({ id, owner, ...outcomeColumns(outcome), now: Date.now() })),
  });

  return {
    backend: 'sqlite',
    async create(job) {
      const row = guarded(() => create.immediate(job));
      loop.wake();
      return fromJobRow(row);
    },
    async get(id) {
      const row = guarded(() => select.get(id));
      return liveJobRecord(row, options.ttlMs);
    },
    work: (run) => loop.start(run),
    async close() {
      await loop.stop();
      db.close();
    },
  };
}
