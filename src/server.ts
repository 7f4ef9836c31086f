/** The process edge: reads the environment, listens, and drains on SIGTERM. */
import './require-node.ts';
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
app.log.info({ node: process.version }, 'starting');
if (!config.sandbox.python) app.log.warn('SANDBOX_PYTHON=off: Python code is not run (code-tests answers such cells with a reason code)');
await Promise.all([app.verdict.pools.score.ready(), app.verdict.pools.sandbox.ready()]);
await app.listen({ host: config.host, port: config.port });

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  app.log.info({ signal }, 'draining');
  app.verdict.state.draining = true;
  const force = setTimeout(() => {
    app.log.warn({ graceMs: config.shutdownGraceMs }, 'grace period over; exiting');
    process.exit(1);
  }, config.shutdownGraceMs);
  force.unref();
  await app.close(); // stops accepting, lets in-flight requests finish, then closes the pools
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
