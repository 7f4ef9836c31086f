/** The process edge: reads the environment, listens, and drains on SIGTERM. */
import './require-node.ts';
import { buildApp } from './app.ts';
import { loadConfig } from './config.ts';
import { PythonRequired } from './sandbox/resolve-sandbox.ts';

const config = loadConfig(process.env);
const app = await buildApp(config).catch((error: unknown) => {
  if (!(error instanceof PythonRequired)) throw error;
  console.error(`verdict: refusing to start (SANDBOX_PYTHON=on): ${error.reason}`);
  process.exit(1);
});
app.log.info({ node: process.version }, 'starting');
await Promise.all([app.verdict.pools.score.ready(), app.verdict.pools.sandbox.ready()]);
try {
  await app.listen({ host: config.host, port: config.port });
} catch (error) {
  if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
  console.error(`verdict: port ${config.port} on ${config.host} is already in use; set PORT to a free port`);
  await app.close();
  process.exit(1);
}

let stopping = false;
/**
 * SIGTERM: /readyz fails and new scoring work is refused (503, so a balancer retries it elsewhere) while the
 * listener stays open; requests in flight, open NDJSON streams included, finish; then the server closes and
 * the process exits 0. At four fifths of the grace period requests still scoring answer with what they
 * have (their unfinished cells null / timeout), so even they end within it.
 */
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  app.log.info({ signal }, 'draining');
  const { state } = app.verdict;
  state.draining = true;
  setTimeout(() => state.stopping.abort(new Error('server shutting down')), config.shutdownGraceMs * 0.8).unref();
  const force = setTimeout(() => {
    app.log.warn({ graceMs: config.shutdownGraceMs }, 'grace period over; exiting');
    process.exit(1);
  }, config.shutdownGraceMs);
  force.unref();
  await state.idle();
  await app.close(); // every connection is idle now: closed at once; then the pools
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
