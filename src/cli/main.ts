/**
 * The `verdict` command (bin/verdict.js): `score` a JSONL file through the
 * engine in this process or a running server's (`--url`), `filter` it by
 * reward (rejection sampling), or `serve` HTTP. Like src/server.ts this is a
 * process edge: it reads argv and the environment (DATABASE_URL, DATA_DIR,
 * POOL_SIZE, ... as the server does; VERDICT_API_KEY for `--url`).
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import type { Engine } from './engine.ts';
import { filterGroup, type FilterOptions } from './filter-groups.ts';
import { CliError, countLines, createAppender, readJsonl, resumeFrom } from './jsonl.ts';
import { createProgress, formatDuration } from './progress.ts';
import { loadRewardSpec } from './reward-spec.ts';
import type { BatchWarning } from '../scoring/types.ts';
import { scoreGroups, type ScoredGroup } from './score-groups.ts';

const usage = `Usage:
  verdict score <in.jsonl> --rewards <spec.json | id,id> -o <out.jsonl> [--chunk-size 64] [--reference-field answer]
                [--url http://host:port [--concurrency 4]]
      Scores every group (one POST /v1/score group per line; \`prompt\` may be a chat conversation), in
      this process or, with --url, on a running server or cluster (VERDICT_API_KEY is sent as its bearer
      key), --concurrency chunks at once. --reference-field reads each line's reference from another
      field (a dataset's \`answer\`). Rerun the same command after an interruption: groups already in
      out.jsonl are skipped.
  verdict filter <scored.jsonl> -o <sft.jsonl> [--threshold X] [--best] [--format prompt-completion|messages]
                 [--rewards <spec> to score an unscored file first, with --url as score]
      Rejection sampling: the best completion per group, or every one with reward >= X.
  verdict serve [--host 127.0.0.1] [--port 8080]
      Starts the HTTP server (as npm start).`;

const options = {
  rewards: { type: 'string' },
  output: { type: 'string', short: 'o' },
  'chunk-size': { type: 'string', default: '64' },
  'reference-field': { type: 'string' },
  url: { type: 'string' },
  concurrency: { type: 'string' },
  threshold: { type: 'string' },
  best: { type: 'boolean', default: false },
  format: { type: 'string', default: 'prompt-completion' },
  host: { type: 'string' },
  port: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>['values'];

function positiveInteger(name: string, raw: string): number {
  if (!/^[1-9][0-9]*$/.test(raw)) throw new CliError(`--${name} must be an integer >= 1, got "${raw}"`);
  return Number(raw);
}

function required(value: string | undefined, what: string): string {
  if (!value) throw new CliError(`${what} is required\n\n${usage}`);
  return value;
}

function inputFile(positionals: string[]): string {
  const file = required(positionals[1], 'the input file');
  if (!fs.existsSync(file)) throw new CliError(`${file}: no such file`);
  return file;
}

/**
 * The in-process engine, loaded on demand (it pulls in every rule, so `--help` and usage errors stay
 * quick), or with --url a running server's.
 */
async function createEngine(env: NodeJS.ProcessEnv, url: string | undefined): Promise<Engine> {
  if (url === undefined) return (await import('./engine.ts')).createEngine(env);
  if (!/^https?:\/\/[^/]/.test(url)) throw new CliError(`--url must be an http(s) URL, got "${url}"`);
  const { createRemoteEngine } = await import('./remote-engine.ts');
  return createRemoteEngine(url, {
    apiKey: env.VERDICT_API_KEY || undefined,
    onRetry: (why, waitMs) => process.stderr.write(`verdict: ${url}: ${why}; retrying in ${(waitMs / 1000).toFixed(1)} s\n`),
  });
}

/** Chunks in flight: one in this process (its pools are the limit), four on a server by default. */
function concurrencyOf(values: Values): number {
  return values.concurrency === undefined ? (values.url === undefined ? 1 : 4) : positiveInteger('concurrency', values.concurrency);
}

/** An engine started on the first chunk to score: resuming a file that is already scored starts no workers. */
function createLazyEngine(env: NodeJS.ProcessEnv, url: string | undefined): Engine {
  let engine: Promise<Engine> | undefined;
  return {
    score: async (body, where) => (await (engine ??= createEngine(env, url))).score(body, where),
    close: async () => (await engine)?.close(),
  };
}

function exitOnInterrupt(what: string): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\nverdict: interrupted; ${what}\n`);
      process.exit(130);
    });
  }
}

/** Null shares above NULL_WARN_PERCENT, one line each, as the server would log them. */
function printWarnings(warnings: readonly BatchWarning[], where: string): void {
  for (const warning of warnings) process.stderr.write(`verdict: warning: ${where}: ${warning.message}\n`);
}

async function score(positionals: string[], values: Values): Promise<void> {
  const input = inputFile(positionals);
  const output = required(values.output, '-o <out.jsonl>');
  const spec = loadRewardSpec(required(values.rewards, '--rewards'));
  const chunkGroups = positiveInteger('chunk-size', values['chunk-size']!);
  const concurrency = concurrencyOf(values);
  const skip = await resumeFrom(output);
  const total = await countLines(input);
  if (skip.size > 0) process.stderr.write(`verdict: resuming: ${skip.size} of ${total} groups already in ${output}\n`);
  exitOnInterrupt(`rerun the same command to resume (${output} holds every finished chunk)`);

  const engine = createLazyEngine(process.env, values.url);
  const out = createAppender(output);
  const progress = createProgress({ total, unit: 'groups', already: skip.size });
  let groups = 0;
  let completions = 0;
  try {
    await scoreGroups({
      input,
      spec,
      engine,
      chunkGroups,
      concurrency,
      skip,
      referenceField: values['reference-field'],
      onWarnings: printWarnings,
      onChunk(scored) {
        out.write(scored);
        groups += scored.length;
        completions += scored.reduce((n, g) => n + g.completions.length, 0);
        progress.add(scored.length);
      },
    });
  } finally {
    out.close();
    await engine.close();
  }
  const { seconds } = progress.finish();
  process.stderr.write(
    `verdict: scored ${groups} groups (${completions} completions) in ${formatDuration(seconds)}, ${(completions / Math.max(seconds, 1e-3)).toFixed(1)} completions/s -> ${output}\n`,
  );
}

async function filter(positionals: string[], values: Values): Promise<void> {
  const input = inputFile(positionals);
  const output = required(values.output, '-o <sft.jsonl>');
  if (!['prompt-completion', 'messages'].includes(values.format!)) throw new CliError(`--format must be prompt-completion or messages, got "${values.format}"`);
  let threshold: number | undefined;
  if (values.threshold !== undefined) {
    threshold = Number(values.threshold);
    if (values.threshold.trim() === '' || !Number.isFinite(threshold)) throw new CliError(`--threshold must be a number, got "${values.threshold}"`);
  }
  const filterOptions: FilterOptions = {
    keep: threshold !== undefined && !values.best ? 'all' : 'best',
    threshold,
    format: values.format as FilterOptions['format'],
  };
  const out = createAppender(output);
  fs.truncateSync(output, 0);
  let seen = 0;
  let kept = 0;
  const take = (groups: ScoredGroup[]) => {
    const rows = groups.flatMap((g) => filterGroup(g, filterOptions));
    out.write(rows);
    seen += groups.length;
    kept += rows.length;
  };
  let engine: Engine | undefined;
  try {
    if (values.rewards !== undefined) {
      engine = await createEngine(process.env, values.url);
      const spec = loadRewardSpec(values.rewards);
      await scoreGroups({
        input,
        spec,
        engine,
        chunkGroups: 64,
        concurrency: concurrencyOf(values),
        skip: new Set(),
        referenceField: values['reference-field'],
        onWarnings: printWarnings,
        onChunk: take,
      });
    } else {
      for await (const { line, value } of readJsonl(input)) {
        const completions = value.completions as Array<{ reward?: unknown }> | undefined;
        if (!Array.isArray(completions) || completions.some((c) => !c || typeof c !== 'object' || !('reward' in c))) {
          throw new CliError(`${input}:${line}: not a scored group (run \`verdict score\` first, or pass --rewards)`);
        }
        take([value as unknown as ScoredGroup]);
      }
    }
  } finally {
    out.close();
    await engine?.close();
  }
  const rule = filterOptions.keep === 'best' ? 'best per group' : 'all';
  process.stderr.write(
    `verdict: kept ${kept} completions from ${seen} groups (${rule}${threshold !== undefined ? `, reward >= ${threshold}` : ''}) -> ${output}\n`,
  );
}

async function serve(values: Values): Promise<void> {
  if (values.host) process.env.HOST = values.host;
  if (values.port) process.env.PORT = String(positiveInteger('port', values.port));
  await import('../server.ts');
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ options, allowPositionals: true });
  const command = positionals[0];
  if (values.help || command === undefined || command === 'help') {
    process.stdout.write(`${usage}\n`);
    return;
  }
  if (command === 'score') return score(positionals, values);
  if (command === 'filter') return filter(positionals, values);
  if (command === 'serve') return serve(values);
  throw new CliError(`unknown command "${command}"\n\n${usage}`);
}

try {
  await main();
} catch (error) {
  const known = error instanceof CliError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
  process.stderr.write(`verdict: ${known ? (error as Error).message : ((error as Error).stack ?? String(error))}\n`);
  process.exit((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') ? 2 : 1);
}
