/**
 * Scores a JSONL file of groups (one POST /v1/score group per line) in chunks
 * through the engine, up to `concurrency` chunks at once, skipping groups
 * already done, and hands each scored chunk on in input order (a chunk that
 * finishes early waits for those before it), so an interrupted run always
 * leaves whole chunks in order. A line's `id` (else its line number)
 * identifies the group across runs; fields other than the group's are ignored.
 */
import { completionText } from '../scoring/completion-text.ts';
import type { CompletionReport, GroupInput, GroupReport } from '../scoring/types.ts';
import type { Engine } from './engine.ts';
import { CliError, readJsonl } from './jsonl.ts';
import type { BatchSpec } from './reward-spec.ts';

/** A scored group as `verdict score` writes it and `verdict filter` reads it. */
export interface ScoredGroup extends Omit<GroupReport, 'completions'> {
  prompt?: string;
  reference?: unknown;
  metadata?: Record<string, unknown>;
  completions: Array<CompletionReport & { completion: string }>;
}

const groupFields = ['prompt', 'reference', 'metadata', 'rewards', 'completions'] as const;

export interface ScoreGroupsOptions {
  input: string;
  spec: BatchSpec;
  engine: Engine;
  /** Groups per request. */
  chunkGroups: number;
  /** Requests in flight at once (default 1). */
  concurrency?: number;
  /** Ids to skip (already scored by an interrupted run). */
  skip: ReadonlySet<string>;
  onChunk(groups: ScoredGroup[]): void;
}

export async function scoreGroups(options: ScoreGroupsOptions): Promise<void> {
  const seen = new Set<string>();
  const inFlight: Array<Promise<ScoredGroup[]>> = [];
  let chunk: Array<{ line: number; group: GroupInput }> = [];

  const send = (batch: Array<{ line: number; group: GroupInput }>) =>
    options.engine.score({ ...options.spec, groups: batch.map((b) => b.group) }, (i) => `${options.input}:${batch[i].line}`).then((result) =>
      result.groups.map((report, i) => {
        const { group } = batch[i];
        const completions = report.completions.map((c, k) => ({ completion: completionText(group.completions[k]).text, ...c }));
        const { prompt, reference, metadata } = group; // undefined fields vanish in JSON
        const { id, ...rest } = report;
        return { id, prompt, reference, metadata, ...rest, completions };
      }),
    );
  /** Hands on the oldest chunk in flight once it is scored. */
  const emitOldest = async () => options.onChunk(await inFlight.shift()!);
  const flush = async () => {
    if (chunk.length === 0) return;
    const pending = send(chunk);
    pending.catch(() => undefined); // awaited in order below; a later chunk's failure must not go unhandled meanwhile
    inFlight.push(pending);
    chunk = [];
    if (inFlight.length >= (options.concurrency ?? 1)) await emitOldest();
  };

  for await (const { line, value } of readJsonl(options.input)) {
    const id = typeof value.id === 'string' ? value.id : value.id === undefined ? String(line) : JSON.stringify(value.id);
    if (seen.has(id)) throw new CliError(`${options.input}:${line}: group id ${id} is used twice (ids make runs resumable)`);
    seen.add(id);
    if (options.skip.has(id)) continue;
    const group: GroupInput = { id, completions: [] };
    for (const field of groupFields) if (value[field] !== undefined) (group as unknown as Record<string, unknown>)[field] = value[field];
    chunk.push({ line, group });
    if (chunk.length >= options.chunkGroups) await flush();
  }
  await flush();
  while (inFlight.length > 0) await emitOldest();
}
