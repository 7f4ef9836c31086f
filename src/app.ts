/**
 * The app factory: builds the whole service from a config without listening,
 * so tests drive it with `app.inject()` and server.ts is the only place that
 * touches the process.
 */
import path from 'node:path';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { sharedSchemas } from '../schemas/index.ts';
import type { Config } from './config.ts';
import { DOCS_PREFIX, registerDocs } from './docs.ts';
import { installAdmission, type Admission } from './admission.ts';
import { installAuth, redactUrl } from './auth.ts';
import { clientErrorHandler, frameworkErrorsFor, installErrorHandler, MAX_PATH_SEGMENT } from './error-handler.ts';
import { installJsonBodyParser } from './json-body.ts';
import { collectRoutes } from './method-not-allowed.ts';
import { createIdempotencyStore, type IdempotencyStore } from './idempotency.ts';
import { createJobs, type Jobs } from './jobs.ts';
import { loadRewards } from './load-rewards.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { createPool, type PoolLogger, type PoolOptions } from './pool/pool.ts';
import { createRegistry, type Registry } from './registry/registry.ts';
import { createStoredRules } from './registry/stored-rules.ts';
import { graderRoutes } from './routes/graders.ts';
import { healthRoutes } from './routes/health.ts';
import { jobRoutes } from './routes/jobs.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { openRlhfRoutes } from './routes/openrlhf.ts';
import { rewardRoutes } from './routes/rewards.ts';
import { ruleAdminRoutes } from './routes/rule-admin.ts';
import { scoreRoutes } from './routes/score.ts';
import { resolveSandbox, type SandboxStatus } from './sandbox/resolve-sandbox.ts';
import { createScoringScope, type ScoringScope } from './request-scope.ts';
import { createCellCache, type CellCache } from './scoring/cell-cache.ts';
import type { Pools, ScoringDeps } from './scoring/score-batch.ts';
import { createJobStore } from './storage/create-job-store.ts';
import { createRuleStore } from './storage/create-rule-store.ts';

export interface BuildOptions {
  /**
   * Whether this app takes background jobs (default true). The CLI's in-process engine takes none: it
   * opens no job store (no jobs.sqlite, no pg-boss schema or polling) and has no /v1/jobs routes.
   */
  jobs?: boolean;
}

interface AppState {
  /** Set on SIGTERM: /readyz fails so balancers stop sending, new scoring work is refused, in-flight requests finish. */
  draining: boolean;
  /** Aborted when a shutdown's grace period is nearly over: requests still scoring answer with what they have. */
  stopping: AbortController;
  /** Resolves once no request is in flight. */
  idle(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    verdict: {
      config: Config;
      registry: Registry;
      pools: Pools;
      /** The only way a route reaches the scoring machinery: a route that does not declare `config.scoring` is refused (request-scope.ts). */
      scope: ScoringScope;
      cache?: CellCache;
      state: AppState;
      metrics: Metrics;
      idempotency: IdempotencyStore;
      admission: Admission;
      sandbox: SandboxStatus;
    };
  }
}

/** Throws PythonRequired when SANDBOX_PYTHON=on and the Python sandbox does not work here. */
export async function buildApp(config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: config.logLevel,
      // Bodies are never logged; headers and URLs (`?api_key=`) could carry API keys.
      redact: ['req.headers.authorization', 'req.headers["x-api-key"]'],
      serializers: {
        req: (request: FastifyRequest) => ({
          method: request.method,
          url: redactUrl(request.url),
          host: request.host,
          remoteAddress: request.ip,
          remotePort: request.socket?.remotePort,
        }),
      },
    },
    bodyLimit: config.bodyLimitBytes,
    // A body sent slowly held a connection open for minutes: every phase of a connection has a deadline.
    requestTimeout: config.requestTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    connectionTimeout: config.connectionTimeoutMs,
    // Node checks the request and headers deadlines on this interval (30 s by default), in ms.
    http: { headersTimeout: config.headersTimeoutMs, connectionsCheckingInterval: Math.min(1_000, config.headersTimeoutMs) },
    clientErrorHandler,
    routerOptions: { maxParamLength: MAX_PATH_SEGMENT },
    frameworkErrors: frameworkErrorsFor(config.bodyLimitBytes),
    // allowUnionTypes: `rewards` items are a spec object or its id string, one schema over both types (schemas/score-request.ts).
    ajv: { customOptions: { coerceTypes: false, useDefaults: true, removeAdditional: false, discriminator: true, allowUnionTypes: true } },
  });
  installErrorHandler(app, config.bodyLimitBytes);
  installJsonBodyParser(app);
  installAuth(app, config, [DOCS_PREFIX]);
  const addMethodNotAllowed = collectRoutes(app, [DOCS_PREFIX]);
  for (const schema of sharedSchemas) app.addSchema(schema);

  const rewardModules = config.rewardModules.map((m) => path.resolve(m));
  // Registered rules: the store is opened (and migrated) before the app answers anything.
  const store = await createRuleStore(config, { onError: (err) => app.log.warn({ err }, 'rule store connection error') });
  const rules = await createStoredRules(store, app.log, config);
  app.addHook('onClose', () => rules.close());
  const sandbox = await resolveSandbox(config);
  if (sandbox.unavailable.python) app.log.warn({ reason: sandbox.unavailable.python }, 'Python is off: Python code cells score null (sandbox_unavailable)');
  const registry = createRegistry(await loadRewards(rewardModules), rules.source, sandbox);
  const metrics = createMetrics();
  const poolOptions = (name: keyof Pools) => ({
    name,
    niceness: config.workerNiceness,
    standby: config.workerStandby,
    maxQueued: config.maxQueuedCells,
    logger: app.log as PoolLogger,
    onOutcome: metrics.observeCell,
    onRestart: () => metrics.workerRestart(name),
  });
  const pools: Pools = {
    score: createPool({
      ...poolOptions('score'),
      size: config.poolSize,
      worker: { kind: 'score', rewardModules },
      retryOnce: false,
      crashReason: 'error',
      timeoutReason: 'timeout',
    } satisfies PoolOptions),
    // Code is retried once on a dead child, then reported as an infrastructure failure (a late one at once).
    sandbox: createPool({
      ...poolOptions('sandbox'),
      size: config.sandboxPoolSize,
      worker: { kind: 'sandbox', rewardModules, sandbox: { ...config.sandbox, python: sandbox.languages.includes('python') } },
      retryOnce: true,
      crashReason: 'sandbox_error',
      timeoutReason: 'sandbox_error',
    } satisfies PoolOptions),
  };
  metrics.watchPools(pools);
  // After auth (an unknown caller is refused first), before any body is read; on every `config.scoring` route.
  const admission = installAdmission(app, {
    draining: () => app.verdict.state.draining,
    maxWaitMs: config.maxQueueWaitMs,
    drainRoutes: ['/v1/jobs'],
    queuedCells: () => pools.score.stats().queued + pools.sandbox.stats().queued,
  });
  const cache = config.cacheSize > 0 ? createCellCache(config.cacheSize, config.cacheLimitBytes, metrics.cacheHit) : undefined;
  const scoring: ScoringDeps = { registry, pools, config, cache };
  let jobs: Jobs | undefined;
  if (options.jobs ?? true) {
    const jobStore = await createJobStore(config, {
      maxActive: config.maxJobs,
      maxFinished: config.maxFinishedJobs,
      ttlMs: config.jobTtlMs,
      leaseMs: config.jobLeaseMs,
      concurrency: config.jobConcurrency,
      onError: (err) => app.log.warn({ err }, 'job store error'),
    });
    jobs = createJobs(jobStore, scoring, config, app.log as PoolLogger, metrics.nullShareWarning);
  }
  let inFlight = 0;
  let idleWaiters: Array<() => void> = [];
  const state: AppState = {
    draining: false,
    stopping: new AbortController(),
    idle: () => (inFlight === 0 ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve))),
  };
  app.addHook('onRequest', async (_request, reply) => {
    inFlight++;
    reply.raw.once('close', () => {
      if (--inFlight > 0) return;
      for (const wake of idleWaiters) wake();
      idleWaiters = [];
    });
  });
  app.decorate('verdict', {
    config,
    registry,
    pools,
    scope: createScoringScope(scoring, state.stopping.signal),
    cache,
    state,
    metrics,
    idempotency: createIdempotencyStore({
      ttlMs: config.idempotencyTtlMs,
      maxBytes: config.idempotencyLimitBytes,
      // With API keys, only the configured keys score: each gets an equal share. Without, anyone may.
      callers: config.apiKeys.length > 0 ? new Set([...config.apiKeys, ...config.adminKeys]).size : undefined,
    }),
    admission,
    sandbox,
  });
  // While draining, keep-alive sockets would hold close() open: end each after its response.
  app.addHook('onSend', async (_request, reply) => {
    if (state.draining) reply.header('connection', 'close');
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.observeRequest(route, request.method, reply.statusCode, reply.elapsedTime / 1000);
  });
  app.addHook('onClose', async () => {
    await jobs?.close(); // running jobs are given back (their cells cut short) while the pools still answer
    await Promise.all([pools.score.close(), pools.sandbox.close()]);
  });

  await registerDocs(app);
  await app.register(healthRoutes);
  await app.register(rewardRoutes);
  await app.register(ruleAdminRoutes, { rules });
  await app.register(scoreRoutes);
  if (jobs) await app.register(jobRoutes, { jobs });
  await app.register(metricsRoutes);
  await app.register(openRlhfRoutes);
  await app.register(graderRoutes);
  addMethodNotAllowed();
  return app;
}
