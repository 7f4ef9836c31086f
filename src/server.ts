/** The process edge: reads the environment, listens, and drains on SIGTERM. */
import { buildApp } from './app.ts';
import { loadConfig } from './config.ts';
import { selfTestPython } from './sandbox/self-test.ts';

const config = loadConfig(process.env);
if (config.sandbox.python) {
  // Refuse to serve code rewards with a Python sandbox that does not hold.
  try {
    await selfTestPython(config.sandbox);
  } catch (error) {
    console.error(`verdict: refusing to start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
const app = await buildApp(config);
if (!config.sandbox.python) app.log.warn('SANDBOX_PYTHON=off: Python code is not run (code-tests answers such cells with a reason code)');
await Promise.all([app.verdict.pools.score.ready(), app.verdict.pools.sandbox.ready()]);
await app.listen({ host: config.host, port: config.port });

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
