/**
 * The app factory: builds the whole service from a config without listening,
 * so tests drive it with `app.inject()` and server.ts is the only place that
 * touches the process.
 */
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { sharedSchemas } from '../schemas/index.ts';
import type { Config } from './config.ts';
import { registerDocs } from './docs.ts';
import { installErrorHandler } from './error-handler.ts';
import { loadRewards } from './load-rewards.ts';
import { createPool, type PoolLogger } from './pool/pool.ts';
import { createRegistry, type Registry } from './registry/registry.ts';
import { healthRoutes } from './routes/health.ts';
import { rewardRoutes } from './routes/rewards.ts';
import { scoreRoutes } from './routes/score.ts';
import type { Pools, ScoringDeps } from './scoring/score-batch.ts';

export interface AppState {
  /** Set on SIGTERM: /readyz fails so balancers stop sending, in-flight requests finish. */
  draining: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    verdict: { config: Config; registry: Registry; pools: Pools; scoring: ScoringDeps; state: AppState };
  }
}

export async function buildApp(config: Config): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: config.logLevel,
      // Bodies are never logged; headers could carry API keys.
      redact: ['req.headers.authorization', 'req.headers["x-api-key"]'],
    },
    bodyLimit: config.bodyLimitBytes,
    ajv: { customOptions: { coerceTypes: false, useDefaults: true, removeAdditional: false } },
  });
  installErrorHandler(app, config.bodyLimitBytes);
  for (const schema of sharedSchemas) app.addSchema(schema);

  const rewardModules = config.rewardModules.map((m) => path.resolve(m));
  const registry = createRegistry(await loadRewards(rewardModules));
  const logger: PoolLogger = app.log;
  const pools: Pools = {
    score: createPool({
      name: 'score',
      size: config.poolSize,
      worker: { kind: 'score', rewardModules },
      maxQueued: config.maxQueuedCells,
      retryOnce: false,
      crashReason: 'error',
      timeoutReason: 'timeout',
      logger,
    }),
    sandbox: createPool({
      name: 'sandbox',
      size: config.sandboxPoolSize,
      worker: { kind: 'sandbox', rewardModules },
      maxQueued: config.maxQueuedCells,
      retryOnce: true,
      crashReason: 'sandbox_error',
      timeoutReason: 'sandbox_error',
      logger,
    }),
  };
  const state: AppState = { draining: false };
  app.decorate('verdict', { config, registry, pools, scoring: { registry, pools, config }, state });
  app.addHook('onClose', async () => {
    await Promise.all([pools.score.close(), pools.sandbox.close()]);
  });

  await registerDocs(app);
  await app.register(healthRoutes);
  await app.register(rewardRoutes);
  await app.register(scoreRoutes);
  return app;
}
