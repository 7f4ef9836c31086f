/**
 * Prometheus metrics (prom-client), one registry per app so several apps in
 * one process (tests) do not collide. Pool gauges are read at scrape time.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { createCellMetrics } from './cell-metrics.ts';
import type { CellOutcome } from './pool/protocol.ts';
import type { Pools } from './scoring/score-batch.ts';
import { isFailure } from './scoring/summarize.ts';

export interface Metrics {
  registry: Registry;
  observeRequest(route: string, method: string, status: number, seconds: number): void;
  // Properties, not methods: these are handed on unbound (to the pools, the cache, trainers' batches).
  observeCell: (ruleId: string, outcome: CellOutcome) => void;
  cacheHit: () => void;
  /** A trainer's batch had a rule that could not score more than NULL_WARN_PERCENT of its cells. */
  nullShareWarning: (ruleId: string) => void;
  workerRestart(pool: string): void;
  watchPools(pools: Pools): void;
}

/** scored, skipped (the rule could not judge), or the failure's reason. */
function outcomeLabel(outcome: CellOutcome): string {
  if (outcome.score !== null) return 'scored';
  return isFailure(outcome.reason) ? outcome.reason! : 'skipped';
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const requestSeconds = new Histogram({
    name: 'verdict_http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames: ['route', 'method', 'status'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const cells = createCellMetrics(registry, [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5]);
  const cacheHits = new Counter({ name: 'verdict_cache_hits_total', help: 'Cells answered from the cross-request cache', registers });
  const nullShares = new Counter({
    name: 'verdict_null_share_warnings_total',
    help: 'Batches in which a rule could not score (null) more than NULL_WARN_PERCENT of its cells',
    labelNames: ['rule'],
    registers,
  });
  const restarts = new Counter({
    name: 'verdict_worker_restarts_total',
    help: 'Worker processes replaced (killed at a deadline or died)',
    labelNames: ['pool'],
    registers,
  });
  let watched: Pools | undefined;
  // Pool gauges read the pools when scraped, not on a timer.
  const poolGauge = (name: string, help: string, read: (stats: ReturnType<Pools['score']['stats']>) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['pool'],
      registers,
      collect() {
        for (const [pool, p] of Object.entries(watched ?? {})) this.set({ pool }, read(p.stats()));
      },
    });
  poolGauge('verdict_queue_depth', 'Cells waiting for a worker', (s) => s.queued);
  poolGauge('verdict_busy_workers', 'Workers running a cell', (s) => s.busy);
  poolGauge('verdict_live_workers', 'Workers started and ready', (s) => s.alive);

  return {
    registry,
    observeRequest(route, method, status, seconds) {
      requestSeconds.observe({ route, method, status: String(status) }, seconds);
    },
    observeCell(ruleId, outcome) {
      cells.observe(ruleId, outcomeLabel(outcome), outcome.ms / 1000);
    },
    cacheHit: () => cacheHits.inc(),
    nullShareWarning: (rule) => nullShares.inc({ rule }),
    workerRestart: (pool) => restarts.inc({ pool }),
    watchPools(pools) {
      watched = pools;
    },
  };
}
