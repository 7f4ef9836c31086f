/**
 * The rule store for replicas: PostgreSQL (pg). Migrations run at start under
 * an advisory lock (replicas may start together); every write notifies
 * `verdict_rules`, which each replica LISTENs on, so a new rule is visible
 * everywhere within a second.
 *
 * A database that drops connections or goes away is never a crash (see
 * postgres-pool.ts), and the LISTEN connection reconnects with backoff, then
 * asks for a full re-sync (notifications sent meanwhile are lost).
 */
import pg from 'pg';
import { clientConfig, createPostgresPool, guarded, inTransaction, withClient } from './postgres-pool.ts';
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

export async function createPostgresStore(connectionString: string, options: PostgresStoreOptions = {}): Promise<RuleStore> {
  const onError = options.onError ?? (() => undefined);
  const pool = createPostgresPool(connectionString, onError);
  await migrate(pool);

  let closed = false;
  let listener: pg.Client | undefined;
  let failures = 0;
  const listen = (notify: (id: string | undefined) => void): void => {
    const client = new pg.Client(clientConfig(connectionString));
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
      inTransaction(pool, writeLock, async (client) => {
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
      inTransaction(pool, writeLock, async (client) => {
        const { rowCount } = await client.query('UPDATE rule_versions SET deprecated = true WHERE id = $1', [id]);
        if (rowCount) await client.query('SELECT pg_notify($1, $2)', [channel, id]);
        return rowCount ?? 0;
      }),
    purge: (id) =>
      inTransaction(pool, writeLock, async (client) => {
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
