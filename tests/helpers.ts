/** Builds the real app (real worker pools) for a test file, with test-only rule fixtures loaded. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.ts';
import { loadConfig, type Config } from '../src/config.ts';

export const fixtureRules = ['spin-rule', 'crash-rule', 'sleep-rule', 'echo-rule'].map((f) => `tests/fixtures/${f}.ts`);

export async function buildTestApp(overrides: Partial<Config> = {}): Promise<FastifyInstance> {
  // Each app gets its own rule store, so test files never see each other's registrations. Workers keep
  // the test runner's priority: test files run in parallel, and niceness would hand their CPU to the
  // other files' processes rather than to this app's HTTP side.
  const dataDir = mkdtempSync(path.join(tmpdir(), 'verdict-test-'));
  const app = await buildApp(loadConfig({}, { logLevel: 'silent', rewardModules: fixtureRules, dataDir, workerNiceness: 0, ...overrides }));
  app.addHook('onClose', async () => rmSync(dataDir, { recursive: true, force: true }));
  await Promise.all([app.verdict.pools.score.ready(), app.verdict.pools.sandbox.ready()]);
  return app;
}

/**
 * A file that holds the cells of `test-sleep` with `{ gate: gate.path }` until `open()` creates it: the
 * test decides when they end, so "still running while ..." holds by construction, not by a margin of
 * time. `remove()` once the held batch has answered.
 */
export function createGate(): { path: string; open(): void; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'verdict-gate-'));
  const file = path.join(dir, 'open');
  return { path: file, open: () => writeFileSync(file, ''), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function score(app: FastifyInstance, body: unknown) {
  const response = await app.inject({ method: 'POST', url: '/v1/score', payload: body as object });
  return { status: response.statusCode, body: response.json() };
}
