/** The process edge: reads the environment, listens, and drains on SIGTERM. */
import './require-node.ts';
import { buildApp } from './app.ts';
import { loadConfig } from './config.ts';
import { selfTestPython } from './sandbox/self-test.ts';

let config = loadConfig(process.env);
// Python runs only under a sandbox that holds: `on` refuses to start without one, `auto` goes on without Python.
let pythonOff = config.sandbox.python ? undefined : 'SANDBOX_PYTHON=off';
if (config.sandbox.python) {
  try {
    await selfTestPython(config.sandbox);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (config.pythonSandbox === 'on') {
      console.error(`verdict: refusing to start (SANDBOX_PYTHON=on): ${reason}`);
      process.exit(1);
    }
    pythonOff = `the Python sandbox self-test failed: ${reason}`;
    config = { ...config, sandbox: { ...config.sandbox, python: false } };
  }
}
const app = await buildApp(config, { pythonOff });
app.log.info({ node: process.version }, 'starting');
if (pythonOff) app.log.warn({ reason: pythonOff }, 'Python is off: Python code cells score null (sandbox_unavailable)');
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
