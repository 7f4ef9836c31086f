/**
 * The rule store for replicas: PostgreSQL (pg). Migrations run at start under
 * an advisory lock (replicas may start together); every write notifies
 * `verdict_rules`, which each replica LISTENs on, so a new rule is visible
 * everywhere within a second.
 */
import pg from 'pg';
import { fromRow, nextVersion, type RuleRow, type RuleStore } from './rule-store.ts';

const channel = 'verdict_rules';
/** Advisory lock keys: one for migrations, one serializing rule writes (rare, and it keeps MAX_RULES exact). */
const migrateLock = 7_201_001;
const writeLock = 7_201_002;

const migrations = [
  `CREATE TABLE rule_versions (
     id TEXT NOT NULL,
     version INTEGER NOT NULL,
     kind TEXT NOT NULL,
     definition TEXT NOT NULL,
     hash TEXT NOT NULL,
     created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
     deprecated BOOLEAN NOT NULL DEFAULT false,
     PRIMARY KEY (id, version)
   )`,
];

export interface PostgresStoreOptions {
  /** Wait before re-listening after the notification connection drops, in ms. */
  reconnectMs?: number;
  onError?: (error: Error) => void;
}

async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [migrateLock]);
    await client.query('CREATE TABLE IF NOT EXISTS verdict_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
    const { rows } = await client.query<{ n: number }>('SELECT coalesce(max(version), 0)::int AS n FROM verdict_migrations');
    for (let i = rows[0].n; i < migrations.length; i++) {
      await client.query('BEGIN');
      await client.query(migrations[i]);
      await client.query('INSERT INTO verdict_migrations (version) VALUES ($1)', [i + 1]);
      await client.query('COMMIT');
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [migrateLock]).catch(() => undefined);
    client.release();
  }
}

async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [writeLock]);
    const result = await work(client);
    await client.query('COMMIT'); // synchronous_commit (default on): resolves once the WAL is flushed
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

export async function createPostgresStore(connectionString: string, options: PostgresStoreOptions = {}): Promise<RuleStore> {
  const pool = new pg.Pool({ connectionString, max: 4 });
  const onError = options.onError ?? (() => undefined);
  pool.on('error', onError); // an idle client dropped: the pool replaces it
  await migrate(pool);

  let closed = false;
  let listener: pg.Client | undefined;
  const listen = (notify: (id: string | undefined) => void): void => {
    const client = new pg.Client({ connectionString });
    listener = client;
    let failed = false;
    const again = (error: Error) => {
      if (closed || failed) return;
      failed = true;
      onError(error);
      client.end().catch(() => undefined);
      setTimeout(() => listen(notify), options.reconnectMs ?? 500).unref();
    };
    client.on('error', again);
    client.on('end', () => again(new Error('notification connection ended')));
    client.on('notification', (msg) => notify(msg.payload || undefined));
    client
      .connect()
      .then(() => client.query(`LISTEN ${channel}`))
      .then(() => notify(undefined), again); // notifications may have been missed while disconnected
  };

  const select = 'SELECT id, version, kind, definition, hash, created_at, deprecated FROM rule_versions';
  return {
    backend: 'postgres',
    async loadAll() {
      const { rows } = await pool.query<RuleRow>(`${select} ORDER BY id, version`);
      return rows.map(fromRow);
    },
    async versionsOf(id) {
      const { rows } = await pool.query<RuleRow>(`${select} WHERE id = $1 ORDER BY version`, [id]);
      return rows.map(fromRow);
    },
    append: (rule, maxRules) =>
      inTransaction(pool, async (client) => {
        const last = (await client.query<RuleRow>(`${select} WHERE id = $1 ORDER BY version DESC LIMIT 1`, [rule.id])).rows[0];
        const stored = (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM rule_versions')).rows[0].n;
        const version = nextVersion(last, rule.hash, stored, maxRules);
        if (version === 'same') return { rule: fromRow(last), created: false };
        const { rows } = await client.query<RuleRow>(
          `INSERT INTO rule_versions (id, version, kind, definition, hash) VALUES ($1, $2, $3, $4, $5)
           RETURNING id, version, kind, definition, hash, created_at, deprecated`,
          [rule.id, version, rule.kind, JSON.stringify(rule.definition), rule.hash],
        );
        await client.query('SELECT pg_notify($1, $2)', [channel, rule.id]); // delivered on commit
        return { rule: fromRow(rows[0]), created: true };
      }),
    deprecate: (id) =>
      inTransaction(pool, async (client) => {
        const { rowCount } = await client.query('UPDATE rule_versions SET deprecated = true WHERE id = $1', [id]);
        if (rowCount) await client.query('SELECT pg_notify($1, $2)', [channel, id]);
        return rowCount ?? 0;
      }),
    watch: listen,
    async close() {
      closed = true;
      await listener?.end().catch(() => undefined);
      await pool.end();
    },
  };
}
