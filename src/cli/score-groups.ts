/**
 * Scores a JSONL file of groups (one POST /v1/score group per line) in chunks
 * through the engine, up to `concurrency` chunks at once, skipping groups
 * already done, and hands each scored chunk on in input order (a chunk that
 * finishes early waits for those before it), so an interrupted run always
 * leaves whole chunks in order. A line's `id` (else its line number)
 * identifies the group across runs; fields other than the group's are
 * ignored, but a group refused for want of a reference names the line's
 * fields that look like one (`answer`, `solution`, ...), which
 * `--reference-field` can read.
 */
import { keepLineReferenceText } from '../reference-text.ts';
import { completionText } from '../scoring/completion-text.ts';
import type { BatchWarning, CompletionReport, GroupInput, GroupReport } from '../scoring/types.ts';
import type { Engine } from './engine.ts';
import { CliError, readJsonl } from './jsonl.ts';
import type { BatchSpec } from './reward-spec.ts';

/** A scored group as `verdict score` writes it and `verdict filter` reads it. */
export interface ScoredGroup extends Omit<GroupReport, 'completions'> {
  prompt?: GroupInput['prompt'];
  reference?: unknown;
  metadata?: Record<string, unknown>;
  completions: Array<CompletionReport & { completion: string }>;
}

const groupFields = ['prompt', 'reference', 'metadata', 'rewards', 'completions'] as const;

/** Column names datasets give their reference under. */
const REFERENCE_LIKE = [
  'answer',
  'solution',
  'ground_truth',
  'gold',
  'label',
  'labels',
  'target',
  'expected',
  'test_list',
  'test',
  'input_output',
  'public_test_cases',
  'tests',
];

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
  /** Read each group's reference from this field of the line instead of `reference`. */
  referenceField?: string;
  onChunk(groups: ScoredGroup[]): void;
  /** A chunk's warnings, with where its groups came from (`file:first-last`). */
  onWarnings?(warnings: BatchWarning[], where: string): void;
}

function referenceHint(fields: readonly string[], file: string): string {
  const like = fields.filter((f) => REFERENCE_LIKE.includes(f));
  if (like.length === 0) return '';
  const name = like[0];
  return `\n  the line has no "reference" but has "${name}": rename it, or pass --reference-field ${name} to read it (${file})`;
}

export async function scoreGroups(options: ScoreGroupsOptions): Promise<void> {
  const seen = new Set<string>();
  type Line = { line: number; group: GroupInput; fields: string[] };
  const inFlight: Array<Promise<{ groups: ScoredGroup[]; warnings: BatchWarning[]; where: string }>> = [];
  let chunk: Line[] = [];

  const send = async (batch: Line[]) => {
    const result = await options.engine
      .score({ ...options.spec, groups: batch.map((b) => b.group) }, (i) => `${options.input}:${batch[i].line}`)
      .catch((error: CliError & { code?: string; groupIndex?: number }) => {
        if (error.code === 'VERDICT_MISSING_REFERENCE' && error.groupIndex !== undefined)
          error.message += referenceHint(batch[error.groupIndex].fields, options.input);
        throw error;
      });
    const groups = result.groups.map((report, i) => {
      const { group } = batch[i];
      const completions = report.completions.map((c, k) => ({ completion: completionText(group.completions[k]).text, ...c }));
      const { prompt, reference, metadata } = group; // undefined fields vanish in JSON
      const { id, ...rest } = report;
      return { id, prompt, reference, metadata, ...rest, completions };
    });
    return { groups, warnings: result.warnings, where: `${options.input}:${batch[0].line}-${batch.at(-1)!.line}` };
  };
  /** Hands on the oldest chunk in flight once it is scored. */
  const emitOldest = async () => {
    const { groups, warnings, where } = await inFlight.shift()!;
    if (warnings.length > 0) options.onWarnings?.(warnings, where);
    options.onChunk(groups);
  };
  const flush = async () => {
    if (chunk.length === 0) return;
    const pending = send(chunk);
    pending.catch(() => undefined); // awaited in order below; a later chunk's failure must not go unhandled meanwhile
    inFlight.push(pending);
    chunk = [];
    if (inFlight.length >= (options.concurrency ?? 1)) await emitOldest();
  };
  for await (const { line, value, text } of readJsonl(options.input)) {
    const id = typeof value.id === 'string' ? value.id : value.id === undefined ? String(line) : JSON.stringify(value.id);
    if (seen.has(id)) throw new CliError(`${options.input}:${line}: group id ${id} is used twice (ids make runs resumable)`);
    seen.add(id);
    if (options.skip.has(id)) continue;
    const group: GroupInput = { id, completions: [] };
    for (const field of groupFields) if (value[field] !== undefined) (group as unknown as Record<string, unknown>)[field] = value[field];
    if (options.referenceField !== undefined) {
      if (value[options.referenceField] === undefined) throw new CliError(`${options.input}:${line}: no field "${options.referenceField}" (--reference-field)`);
      group.reference = value[options.referenceField];
    }
    keepLineReferenceText(group, value, options.referenceField ?? 'reference', () => text);
    chunk.push({ line, group, fields: Object.keys(value) });
    if (chunk.length >= options.chunkGroups) await flush();
  }
  await flush();
  while (inFlight.length > 0) await emitOldest();
}
