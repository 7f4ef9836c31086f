/** Shared pieces of the benchmarks: a real listening server, timing and percentiles. */
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.ts';
import { loadConfig, type Config } from '../src/config.ts';

export async function startServer(overrides: Partial<Config> = {}): Promise<{ app: FastifyInstance; url: string }> {
  const app = await buildApp(loadConfig({}, { logLevel: 'warn', port: 0, ...overrides }));
  await Promise.all([app.verdict.pools.score.ready(), app.verdict.pools.sandbox.ready()]);
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url: address };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

export async function postJson(url: string, body: unknown): Promise<{ status: number; json: any; ms: number }> {
  const started = performance.now();
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = await response.json();
  return { status: response.status, json, ms: performance.now() - started };
}

/** A reasoning-style completion of about `words` words, well-formed or not. */
export function syntheticCompletion(i: number, words = 120): string {
  const think = Array.from({ length: words }, (_, k) => `step${(i * 7 + k) % 97}`).join(' ');
  return i % 4 === 3 ? `${think} The answer is ${i}.` : `<think>\n${think}\n</think>\nThe answer is \\boxed{${i % 10}}.`;
}

export function fmt(n: number, digits = 1): string {
  return Number.isFinite(n) ? n.toFixed(digits) : 'n/a';
}
