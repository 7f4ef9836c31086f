/**
 * The scoring engine for the CLI: the server's own app, built in this
 * process and called through inject (so requests get the same validation and
 * error catalog), never listening. Auth is off: the caller owns the process.
 */
import { buildApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import type { ScoreRequest, ScoreResponse } from '../scoring/types.ts';
import { CliError } from './jsonl.ts';

export interface Engine {
  /** Scores one request; `where(i)` names the input line of group i in error messages. */
  score(body: ScoreRequest, where: (groupIndex: number) => string): Promise<ScoreResponse>;
  close(): Promise<void>;
}

export async function createEngine(env: Record<string, string | undefined>): Promise<Engine> {
  const config = loadConfig(env, { logLevel: env.LOG_LEVEL ?? 'error', apiKeys: [], adminKeys: [] });
  // No job store: jobs queued by a server sharing DATA_DIR or DATABASE_URL are the server's to run.
  const app = await buildApp(config, { jobs: false });
  await Promise.all([app.verdict.pools.score.ready(), app.verdict.pools.sandbox.ready()]);
  return {
    async score(body, where) {
      const response = await app.inject({ method: 'POST', url: '/v1/score', payload: body as unknown as Record<string, unknown> });
      const json = response.json();
      if (response.statusCode !== 200) {
        const pointer = (json.details?.[0]?.pointer as string | undefined) ?? '';
        const group = /^\/groups\/(\d+)/.exec(pointer);
        const at = group ? `${where(Number(group[1]))}: ` : '';
        throw Object.assign(new CliError(`${at}${json.code}: ${json.message}`), {
          code: json.code as string,
          groupIndex: group ? Number(group[1]) : undefined,
        });
      }
      return json as ScoreResponse;
    },
    close: () => app.close(),
  };
}
