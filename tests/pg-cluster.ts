/**
 * A throwaway PostgreSQL cluster of the test's own (as .ci/pg-start.sh starts one), for tests that stop,
 * restart and kill its backends: a shared TEST_DATABASE_URL server must not go down under other suites.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './spawn-server.ts';
import { tempDir } from './storage-backends.ts';

const run = promisify(execFile);
/** The application_name of the test's own connections, which terminateBackends spares. */
const ownApplication = 'verdict-fault-test';
const pgBin = fs.existsSync('/usr/lib/postgresql')
  ? fs
      .readdirSync('/usr/lib/postgresql')
      .sort((a, b) => Number(a) - Number(b))
      .map((v) => `/usr/lib/postgresql/${v}/bin`)
      .at(-1)
  : undefined;
export const pgMissing = pgBin && fs.existsSync(`${pgBin}/pg_ctl`) ? '' : 'no PostgreSQL binaries under /usr/lib/postgresql (apt-get install postgresql)';

export interface Cluster {
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** The URL of another database of the cluster. */
  urlOf(database: string): string;
  /** pg_terminate_backend on every client connection but the test's own; resolves to how many it ended. */
  terminateBackends(on?: pg.Client): Promise<number>;
  /** A statement on a connection of its own, or on `client`. */
  query(sql: string, values?: unknown[], client?: pg.Client): Promise<pg.QueryResult>;
  /** A connection the caller ends; terminateBackends spares it. */
  connect(database?: string): Promise<pg.Client>;
  destroy(): Promise<void>;
}

export async function startCluster(): Promise<Cluster> {
  const dir = tempDir('verdict-pg-');
  const port = await freePort();
  // initdb refuses root: run by root, the cluster belongs to the postgres user.
  const asPg = (cmd: string, args: string[]) => (process.getuid?.() === 0 ? run('runuser', ['-u', 'postgres', '--', cmd, ...args]) : run(cmd, args));
  if (process.getuid?.() === 0) await run('chown', ['postgres:', dir]);
  await asPg(`${pgBin}/initdb`, ['-D', `${dir}/data`, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8']);
  const ctl = (...args: string[]) => asPg(`${pgBin}/pg_ctl`, ['-D', `${dir}/data`, '-l', `${dir}/server.log`, '-w', ...args]);
  const start = () => ctl('-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`, 'start').then(() => undefined);
  await start();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const urlOf = (database: string) => url.replace(/\/postgres$/, `/${database}`);
  const connect = async (database = 'postgres') => {
    const client = new pg.Client({ connectionString: urlOf(database), application_name: ownApplication });
    await client.connect();
    return client;
  };
  const query = async (sql: string, values?: unknown[], on?: pg.Client) => {
    const client = on ?? (await connect());
    try {
      return await client.query(sql, values);
    } finally {
      if (!on) await client.end();
    }
  };
  return {
    url,
    start,
    stop: () => ctl('-m', 'fast', 'stop').then(() => undefined),
    query,
    connect,
    urlOf,
    async terminateBackends(on?: pg.Client) {
      const { rows } = await query(
        "SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name <> $1 AND backend_type = 'client backend'",
        [ownApplication],
        on,
      );
      return rows[0].n as number;
    },
    async destroy() {
      await ctl('-m', 'immediate', 'stop').catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
