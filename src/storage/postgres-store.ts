/**
 * The rule store for replicas: PostgreSQL (pg). Migrations run at start under
 * an advisory lock (replicas may start together); every write notifies
 * `verdict_rules`, which each replica LISTENs on, so a new rule is visible
 * everywhere within a second.
 *
 * A database that drops connections or goes away is never a crash: every
 * client has an error listener, a broken client is destroyed instead of going
 * back to the pool, a call that needed the database is 503
 * VERDICT_STORE_UNAVAILABLE, and the LISTEN connection reconnects with
 * backoff, then asks for a full re-sync (notifications sent meanwhile are lost).
 */
import pg from 'pg';
import { StoreUnavailable } from '../errors.ts';
import { dependentsOf, fromRow, nextVersion, refusePurge, type RuleRow, type RuleStore, type StoreUsage } from './rule-store.ts';

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
  'ALTER TABLE rule_versions ADD COLUMN purged BOOLEAN NOT NULL DEFAULT false',
];

export interface PostgresStoreOptions {
  /** First wait before re-listening after the notification connection drops, doubled per failure up to 30 s, in ms. */
  reconnectMs?: number;
  onError?: (error: Error) => void;
}

const MAX_RECONNECT_MS = 30_000;
/** A connection attempt, and any statement, gives up after these (a database that hangs is unavailable too), in ms. */
const CONNECT_TIMEOUT_MS = 5_000;
const STATEMENT_TIMEOUT_MS = 15_000;

/**
 * SQLSTATE classes that mean "the database cannot serve now": connection exceptions (08), operator
 * intervention such as pg_terminate_backend or a shutdown (57P0x) and a cancelled statement (57014),
 * insufficient resources (53). Other SQLSTATEs are bugs (500); an error without one is the connection's.
 */
const unavailableState = /^(08|57P0|57014|53)/;

function toStoreError(error: unknown): unknown {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('VERDICT_')) return error; // a limit refused inside the transaction
  const sqlState = typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
  if (sqlState && !unavailableState.test(sqlState)) return error;
  return new StoreUnavailable(typeof code === 'string' ? code : 'connection lost');
}

async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toStoreError(error);
  }
}

/** A pooled client for `work`, with an error listener while it is checked out; a client whose connection broke is destroyed. */
async function withClient<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (error: Error) => (broken = error); // without a listener, a dropped connection would crash the process
  client.on('error', onError);
  try {
    return await work(client);
  } catch (error) {
    broken ??= toStoreError(error) instanceof StoreUnavailable ? (error as Error) : undefined;
    throw error;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}

async function migrate(pool: pg.Pool): Promise<void> {
  await withClient(pool, async (client) => {
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
    }
  });
}

function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return guarded(() =>
    withClient(pool, async (client) => {
      try {
        await client.query('BEGIN');
        await client.query('SELECT pg_advisory_xact_lock($1)', [writeLock]);
        const result = await work(client);
        await client.query('COMMIT'); // synchronous_commit (default on): resolves once the WAL is flushed
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    }),
  );
}

export async function createPostgresStore(connectionString: string, options: PostgresStoreOptions = {}): Promise<RuleStore> {
  const clientConfig = { connectionString, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, statement_timeout: STATEMENT_TIMEOUT_MS, keepAlive: true };
  const pool = new pg.Pool({ ...clientConfig, max: 4 });
  const onError = options.onError ?? (() => undefined);
  pool.on('error', onError); // an idle client dropped: the pool replaces it
  await migrate(pool);

  let closed = false;
  let listener: pg.Client | undefined;
  let failures = 0;
  const listen = (notify: (id: string | undefined) => void): void => {
    const client = new pg.Client(clientConfig);
    listener = client;
    let failed = false;
    const again = (error: Error) => {
      if (closed || failed) return;
      failed = true;
      onError(error);
      client.end().catch(() => undefined);
      const wait = Math.min(MAX_RECONNECT_MS, (options.reconnectMs ?? 500) * 2 ** failures++);
      setTimeout(() => listen(notify), wait).unref();
    };
    client.on('error', again);
    client.on('end', () => again(new Error('notification connection ended')));
    client.on('notification', (msg) => notify(msg.payload || undefined));
    client
      .connect()
      .then(() => client.query(`LISTEN ${channel}`))
      .then(() => {
        failures = 0;
        notify(undefined); // notifications may have been missed while disconnected: re-read everything
      }, again);
  };

  const select = 'SELECT id, version, kind, definition, hash, created_at, deprecated, purged FROM rule_versions';
  return {
    backend: 'postgres',
    loadAll: () =>
      guarded(async () => {
        const { rows } = await pool.query<RuleRow>(`${select} ORDER BY id, version`);
        return rows.map(fromRow);
      }),
    versionsOf: (id) =>
      guarded(async () => {
        const { rows } = await pool.query<RuleRow>(`${select} WHERE id = $1 ORDER BY version`, [id]);
        return rows.map(fromRow);
      }),
    append: (rule, limits) =>
      inTransaction(pool, async (client) => {
        const last = (await client.query<RuleRow>(`${select} WHERE id = $1 ORDER BY version DESC LIMIT 1`, [rule.id])).rows[0];
        const usage = (
          await client.query<StoreUsage>(
            'SELECT count(*)::int AS rules, coalesce(sum(octet_length(definition)), 0)::bigint AS bytes FROM rule_versions WHERE NOT purged',
          )
        ).rows[0];
        const definition = JSON.stringify(rule.definition);
        const version = nextVersion(last, { hash: rule.hash, definition }, { rules: usage.rules, bytes: Number(usage.bytes) }, limits);
        if (version === 'same') return { rule: fromRow(last), created: false };
        const { rows } = await client.query<RuleRow>(
          `INSERT INTO rule_versions (id, version, kind, definition, hash) VALUES ($1, $2, $3, $4, $5)
           RETURNING id, version, kind, definition, hash, created_at, deprecated, purged`,
          [rule.id, version, rule.kind, definition, rule.hash],
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
    purge: (id) =>
      inTransaction(pool, async (client) => {
        const live = await client.query<RuleRow>('SELECT id, version, definition FROM rule_versions WHERE NOT purged');
        refusePurge(id, dependentsOf(id, live.rows));
        const { rowCount } = await client.query("UPDATE rule_versions SET deprecated = true, purged = true, definition = '{}' WHERE id = $1", [id]);
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
