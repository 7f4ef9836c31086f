/**
 * Per-cell metrics: each rule's latency histogram and cells by outcome. A
 * request settles thousands of cells, and prom-client's observe() and inc()
 * build a label hash string per call, a large share of what the HTTP process
 * allocates per request (docs/performance-notes.md). So cells are counted
 * into plain arrays, and prom-client's registry reads them when scraped: the
 * outcome counts through a Counter's collect(), the histogram as a metric
 * object of prom-client's histogram shape.
 */
import { Counter, type Registry } from 'prom-client';

interface RuleBuckets {
  /** counts[i]: observations at most bounds[i] (and above bounds[i - 1]); the last one, above them all. */
  counts: number[];
  sum: number;
  total: number;
}

export interface CellMetrics {
  observe(rule: string, outcome: string, seconds: number): void;
}

export function createCellMetrics(registry: Registry, bounds: readonly number[]): CellMetrics {
  const byRule = new Map<string, RuleBuckets>();
  const pending = new Map<string, Map<string, number>>(); // rule -> outcome -> cells since the last scrape
  new Counter({
    name: 'verdict_cells_total',
    help: 'Cells scored, by rule and outcome',
    labelNames: ['rule', 'outcome'],
    registers: [registry],
    collect() {
      for (const [rule, outcomes] of pending) for (const [outcome, n] of outcomes) this.inc({ rule, outcome }, n);
      pending.clear();
    },
  });
  const name = 'verdict_rule_duration_seconds';
  const shape = { name, help: 'Time to score one cell, per rule', type: 'histogram', aggregator: 'sum' } as const;
  registry.registerMetric({
    ...shape,
    get: async () => ({ ...shape, values: histogramValues() }),
    reset: () => byRule.clear(),
  } as unknown as Parameters<Registry['registerMetric']>[0]);

  /** prom-client's exposition of a histogram: cumulative `_bucket` lines with `le`, then `_sum` and `_count`. */
  function histogramValues() {
    const values: Array<{ metricName: string; labels: Record<string, string | number>; value: number }> = [];
    for (const [rule, { counts, sum, total }] of byRule) {
      let cumulative = 0;
      counts.forEach((count, i) => {
        cumulative += count;
        values.push({ metricName: `${name}_bucket`, labels: { le: i < bounds.length ? bounds[i] : '+Inf', rule }, value: cumulative });
      });
      values.push({ metricName: `${name}_sum`, labels: { rule }, value: sum }, { metricName: `${name}_count`, labels: { rule }, value: total });
    }
    return values;
  }

  return {
    observe(rule, outcome, seconds) {
      let buckets = byRule.get(rule);
      if (!buckets) byRule.set(rule, (buckets = { counts: new Array<number>(bounds.length + 1).fill(0), sum: 0, total: 0 }));
      let i = 0;
      while (i < bounds.length && seconds > bounds[i]) i++;
      buckets.counts[i]++;
      buckets.sum += seconds;
      buckets.total++;
      let outcomes = pending.get(rule);
      if (!outcomes) pending.set(rule, (outcomes = new Map()));
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    },
  };
}
