/**
 * The scoring engine for the CLI: the server's own app, built in this
 * process and called through inject (so requests get the same validation and
 * error catalog), never listening. Auth is off: the caller owns the process.
 */
import { buildApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { stringifyRequest } from '../reference-text.ts';
import { PythonRequired } from '../sandbox/resolve-sandbox.ts';
import type { ScoreRequest, ScoreResponse } from '../scoring/types.ts';
import { CliError } from './jsonl.ts';
import { RefusedRequest } from './refused-request.ts';

export interface Engine {
  /** Scores one request; a request refused as the input's fault throws a RefusedRequest. */
  score(body: ScoreRequest): Promise<ScoreResponse>;
  close(): Promise<void>;
}

/** `warn` is told, once, what the server would log as a warning at start-up (Python off). */
export async function createEngine(env: Record<string, string | undefined>, warn: (message: string) => void): Promise<Engine> {
  const config = loadConfig(env, { logLevel: env.LOG_LEVEL ?? 'error', apiKeys: [], adminKeys: [] });
  // No job store: jobs queued by a server sharing DATA_DIR or DATABASE_URL are the server's to run.
  const app = await buildApp(config, { jobs: false }).catch((error: unknown) => {
    throw error instanceof PythonRequired ? new CliError(error.message) : error;
  });
  const python = app.verdict.sandbox.unavailable.python;
  if (python) warn(`Python is off (${python}); Python code cells score null (sandbox_unavailable)`);
  await Promise.all([app.verdict.pools.score.ready(), app.verdict.pools.sandbox.ready()]);
  return {
    async score(body) {
      // As text, not an object inject would stringify: the references' kept texts (3.0, big integers) go as written.
      const payload = stringifyRequest(body);
      const response = await app.inject({ method: 'POST', url: '/v1/score', headers: { 'content-type': 'application/json' }, payload });
      if (response.statusCode !== 200) throw new RefusedRequest(response.statusCode, response.json());
      return response.json() as ScoreResponse;
    },
    close: () => app.close(),
  };
}
