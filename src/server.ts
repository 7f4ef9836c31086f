/** The process edge: reads the environment, listens, and drains on SIGTERM. */
import { buildApp } from './app.ts';
import { loadConfig } from './config.ts';

const config = loadConfig(process.env);
const app = await buildApp(config);
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
