/**
 * PostgreSQL connections as both stores (rules, jobs) use them. A database
 * that drops connections or goes away is never a crash: every client has an
 * error listener, a broken client is destroyed instead of going back to the
 * pool, connects and statements have deadlines, and a call that needed the
 * database fails with 503 VERDICT_STORE_UNAVAILABLE.
 */
import pg from 'pg';
import { StoreUnavailable } from '../errors.ts';

/** A connection attempt, and any statement, gives up after these (a database that hangs is unavailable too), in ms. */
const CONNECT_TIMEOUT_MS = 5_000;
const STATEMENT_TIMEOUT_MS = 15_000;

/** Settings of every connection, pooled or not (pg-boss's pool gets them too). */
export function clientConfig(connectionString: string): pg.ClientConfig {
  return { connectionString, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, statement_timeout: STATEMENT_TIMEOUT_MS, keepAlive: true };
}

/** A pool whose idle clients' errors go to `onError` (the pool replaces them). */
export function createPostgresPool(connectionString: string, onError: (error: Error) => void): pg.Pool {
  const pool = new pg.Pool({ ...clientConfig(connectionString), max: 4 });
  pool.on('error', onError);
  return pool;
}

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

/** Runs `work`, turning the database's unavailability into 503 VERDICT_STORE_UNAVAILABLE. */
export async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toStoreError(error);
  }
}

/** A pooled client for `work`, with an error listener while it is checked out; a client whose connection broke is destroyed. */
export async function withClient<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
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

/** `work` in a transaction, guarded; with `lock`, holding that advisory lock (it serializes writers that check a limit first). */
export function inTransaction<T>(pool: pg.Pool, lock: number | undefined, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return guarded(() =>
    withClient(pool, async (client) => {
      try {
        await client.query('BEGIN');
        if (lock !== undefined) await client.query('SELECT pg_advisory_xact_lock($1)', [lock]);
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
