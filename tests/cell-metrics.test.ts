/**
 * The per-cell metrics: scraped, they read exactly as prom-client's own
 * Histogram and Counter would for the same cells.
 */
import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createCellMetrics } from '../src/cell-metrics.ts';

const bounds = [0.001, 0.01, 0.1, 1];
const cells: Array<[string, string, number]> = [
  ['math-answer', 'scored', 0.0004],
  ['math-answer', 'scored', 0.001], // on a bound: counted in it
  ['math-answer', 'timeout', 7],
  ['think-format', 'skipped', 0.05],
  ['think-format', 'scored', 0.05],
  ['math-answer', 'scored', 0.3],
];

async function reference(): Promise<string> {
  const registry = new Registry();
  const histogram = new Histogram({
    name: 'verdict_rule_duration_seconds',
    help: 'Time to score one cell, per rule',
    labelNames: ['rule'],
    buckets: bounds,
    registers: [registry],
  });
  const counter = new Counter({
    name: 'verdict_cells_total',
    help: 'Cells scored, by rule and outcome',
    labelNames: ['rule', 'outcome'],
    registers: [registry],
  });
  for (const [rule, outcome, seconds] of cells) {
    histogram.observe({ rule }, seconds);
    counter.inc({ rule, outcome });
  }
  return registry.metrics();
}

const sorted = (text: string) => text.split('\n').filter(Boolean).sort();

describe('cell metrics', () => {
  it('expose the same lines as prom-client metrics fed cell by cell, scrape after scrape', async () => {
    const registry = new Registry();
    const metrics = createCellMetrics(registry, bounds);
    for (const cell of cells.slice(0, 3)) metrics.observe(...cell);
    await registry.metrics(); // a scrape in between must not lose or double anything
    for (const cell of cells.slice(3)) metrics.observe(...cell);
    expect(sorted(await registry.metrics())).toEqual(sorted(await reference()));
    expect(await registry.metrics()).toContain('verdict_rule_duration_seconds_bucket{le="+Inf",rule="math-answer"} 4');
  });
});
