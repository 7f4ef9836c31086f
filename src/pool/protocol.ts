/** Messages between a pool and its worker processes. */
import type { Sample, ScoreResult } from '../../rewards/types.ts';
import { rememberBytes } from './details-bytes.ts';

export interface CellJob {
  ruleId: string;
  params: Record<string, unknown>;
  sample: Sample;
  /** Deadline for this cell alone, in ms. */
  timeoutMs: number;
}

export interface CellOutcome extends ScoreResult {
  /** Time spent scoring, in ms. */
  ms: number;
}

type WorkerKind = 'score' | 'sandbox';

export interface WorkerOptions {
  kind: WorkerKind;
  /** Absolute paths of extra rule modules (config.rewardModules). */
  rewardModules: string[];
  /** Options for the sandbox, passed through to createSandbox in sandbox workers. */
  sandbox?: Record<string, unknown>;
}

export type ChunkCell = CellJob & { id: number };

/** A cell's id and its outcome, as a worker reports it. */
export type WorkerResult = [id: number, outcome: CellOutcome];

/**
 * A chunk is JSON (cells, params, references, metadata) plus its texts (each
 * completion and prompt) as a list of strings beside it; results come back as
 * one JSON string. V8's JSON is faster to write and read than the structured
 * clone the channel would otherwise apply to objects, while a string crosses
 * the channel as a plain copy; writing the texts into the JSON would escape
 * every quote and backslash of LaTeX (figures in docs/performance-notes.md).
 */
export type ToWorker = { type: 'run'; chunk: string; texts: string[] };

export type FromWorker = { type: 'ready' } | { type: 'fatal'; message: string } | { type: 'results'; results: string };

/** A sample in the chunk's JSON: its other fields, and where its completion and prompt are in the texts. */
interface SampleRef {
  rest: Omit<Sample, 'completion' | 'prompt'>;
  completion: number;
  prompt?: number;
}

type EncodedChunk = Omit<ToWorker, 'type'>;

/**
 * A chunk's cells, numbered from `firstId`; a sample, params object or text
 * shared by several cells (a completion's rules) is written once.
 */
export function encodeChunk(jobs: readonly CellJob[], firstId: number): EncodedChunk {
  const objects: object[] = [];
  const indexOf = new Map<object, number>();
  const texts: string[] = [];
  const textIndex = new Map<string, number>();
  const text = (value: string) => {
    let index = textIndex.get(value);
    if (index === undefined) textIndex.set(value, (index = texts.push(value) - 1));
    return index;
  };
  const ref = (value: object, encode: () => object = () => value) => {
    let index = indexOf.get(value);
    if (index === undefined) indexOf.set(value, (index = objects.push(encode()) - 1));
    return index;
  };
  const sample = ({ completion, prompt, ...rest }: Sample): SampleRef =>
    prompt === undefined ? { rest, completion: text(completion) } : { rest, completion: text(completion), prompt: text(prompt) };
  const refs = jobs.map((c, i) => [firstId + i, c.ruleId, ref(c.params), ref(c.sample, () => sample(c.sample)), c.timeoutMs]);
  return { chunk: JSON.stringify({ objects, cells: refs }), texts };
}

export function decodeChunk({ chunk, texts }: EncodedChunk): ChunkCell[] {
  const { objects, cells } = JSON.parse(chunk) as { objects: object[]; cells: Array<[number, string, number, number, number]> };
  const samples = new Map<number, Sample>();
  const sampleAt = (index: number) => {
    let sample = samples.get(index);
    if (!sample) {
      const { rest, completion, prompt } = objects[index] as SampleRef;
      sample = prompt === undefined ? { ...rest, completion: texts[completion] } : { ...rest, completion: texts[completion], prompt: texts[prompt] };
      samples.set(index, sample);
    }
    return sample;
  };
  // Each cell gets its own sample object (a rule may change its own); nested values stay shared.
  return cells.map(([id, ruleId, params, sample, timeoutMs]) => ({
    id,
    ruleId,
    params: objects[params] as Record<string, unknown>,
    sample: { ...sampleAt(sample) },
    timeoutMs,
  }));
}

/**
 * Results as JSON, each `[id, outcome, detailsBytes]`: the details are serialized once and measured as
 * they are, here in the worker, so the HTTP process knows their size without serializing them again.
 * A result that cannot be written as JSON (a cycle, a BigInt in details) fails its own cell.
 */
export function encodeResults(results: readonly WorkerResult[]): string {
  return `[${results.map(encodeResult).join(',')}]`;
}

function encodeResult([id, outcome]: WorkerResult): string {
  try {
    const { details, ...rest } = outcome;
    const json = details === undefined ? undefined : JSON.stringify(details);
    const head = JSON.stringify([id, rest]);
    if (json === undefined) return head;
    // `[id,{...rest}]` with the details spliced into the object, then their size
    return `${head.slice(0, -2)}${head.endsWith('{}]') ? '' : ','}"details":${json}},${Buffer.byteLength(json)}]`;
  } catch (error) {
    const message = `the rule's result is not JSON: ${(error as Error).message}`;
    return JSON.stringify([id, { score: null, reason: 'error', details: { message }, ms: outcome.ms }]);
  }
}

export function decodeResults(results: string): WorkerResult[] {
  const decoded = JSON.parse(results) as Array<[number, CellOutcome, number?]>;
  for (const result of decoded) {
    const [, outcome, bytes] = result;
    if (bytes === undefined) continue;
    rememberBytes(outcome.details!, bytes);
    result.length = 2;
  }
  return decoded as WorkerResult[];
}
