/**
 * Builds the cells of a planned batch: one per (completion x rule leaf), each
 * identical cell once. Cells of rules that read other rules' verdicts are set
 * apart: they are sent once the rest of their group is in. Cells of rules with
 * a `batchContext` wait for it: they are sent once it is computed.
 */
import type { Sample } from '../../rewards/types.ts';
import { referenceTextOf } from '../reference-text.ts';
import type { Leaf } from '../registry/registry.ts';
import { cellKey } from './cell-cache.ts';
import { CellIndex } from './cell-index.ts';
import type { CompletionText } from './completion-text.ts';
import type { BatchPlan, PlannedGroup } from './plan-rules.ts';
import type { ScoredCell } from './report.ts';

export interface Cell extends ScoredCell {
  /** Key in the cross-request cache ('' when there is no cache). */
  key: string;
  leaf: Leaf;
  sample: Sample;
  /** Called once the outcome is in (see `allDone` in run-cells.ts). */
  waiters?: Array<() => void>;
  /** For cells of rules that read verdicts: which completion of the group they belong to. */
  completionIndex?: number;
}

/** A cell waiting for its rule's batch context, and its cache key once the context is known. */
export interface AwaitingCell {
  cell: Cell;
  key: (context: string) => string;
}

export interface BatchCells {
  /** Distinct cells that can be sent at once. */
  unique: Cell[];
  /** Distinct cells of rules with a `batchContext`, by rule leaf. */
  awaitingBatch: Map<Leaf, AwaitingCell[]>;
  /** Per group, the cells of verdict-reading rules. */
  deferred: Cell[][];
  /** cellsOf[g][c][r] = the cells of rule r's leaves for completion c of group g (undefined: nothing to score). */
  cellsOf: Array<Array<Array<Array<Cell | undefined>>>>;
}

export function buildCells(plan: BatchPlan, withCacheKeys: boolean): BatchCells {
  const unique: Cell[] = [];
  const awaitingBatch = new Map<Leaf, AwaitingCell[]>();
  const index = new CellIndex<Cell>();
  const groupIds = new Map<string, string>(); // groups with the same prompt, reference and metadata share an id
  const deferred: Cell[][] = plan.groups.map(() => []);
  const cellsOf = plan.groups.map((group, gi) => {
    const { input, texts } = group;
    const groupKey = JSON.stringify([input.prompt, input.reference, input.metadata, referenceTextOf(input)]);
    if (!groupIds.has(groupKey)) groupIds.set(groupKey, String(groupIds.size));
    const groupTexts = texts.map((t) => t.text);
    return texts.map((text, ci) => {
      // The cells of one completion share its sample (two, when a rule reads the group): a chunk
      // sent to a worker writes a shared sample once.
      const shared: { plain?: Sample; grouped?: Sample } = {};
      const sampleFor = (withGroup: boolean) => buildSample(group, text, withGroup ? { index: ci, completions: groupTexts } : undefined);
      // What the completion itself brings to a cell's identity (the same for all its rules).
      const own =
        text.completion_ids || text.num_tokens !== undefined ? `${text.text}\u0000${JSON.stringify([text.completion_ids, text.num_tokens])}` : text.text;
      return group.rules.map((planned) =>
        planned.bound.leaves.map((leaf): Cell | undefined => {
          if (text.error) return undefined;
          const needsGroup = leaf.rule.needsGroup === true;
          if (leaf.rule.needsVerdicts) {
            // Its own sample: the verdicts of the completion's other cells are added to it later.
            const cell: Cell = { key: '', leaf, sample: sampleFor(needsGroup), completionIndex: ci };
            deferred[gi].push(cell);
            return cell;
          }
          // A rule that reads the group is keyed by the group itself; anything else by its inputs.
          const inputs = needsGroup ? `group ${gi}` : groupIds.get(groupKey)!;
          if (leaf.rule.batchContext) {
            return index.getOrCreate(leaf, inputs, own, () => {
              // Its own sample: the batch context is added to it before it goes out.
              const cell: Cell = { key: '', leaf, sample: sampleFor(needsGroup) };
              const key = (context: string) => (withCacheKeys ? cellKey(leaf, groupKey + context, text, needsGroup ? groupTexts : undefined) : '');
              let waiting = awaitingBatch.get(leaf);
              if (!waiting) awaitingBatch.set(leaf, (waiting = []));
              waiting.push({ cell, key });
              return cell;
            });
          }
          return index.getOrCreate(leaf, inputs, own, () => {
            const key = withCacheKeys ? cellKey(leaf, groupKey, text, needsGroup ? groupTexts : undefined) : '';
            const sample = needsGroup ? (shared.grouped ??= sampleFor(true)) : (shared.plain ??= sampleFor(false));
            const cell: Cell = { key, leaf, sample };
            unique.push(cell);
            return cell;
          });
        }),
      );
    });
  });
  return { unique, awaitingBatch, deferred, cellsOf };
}

/** The sample of one completion; with `inGroup`, it also carries the group's completions. */
function buildSample(group: PlannedGroup, text: CompletionText, inGroup?: { index: number; completions: string[] }): Sample {
  const { input, texts } = group;
  const sample: Sample = { completion: text.text };
  if (group.prompt !== undefined) sample.prompt = group.prompt;
  if (input.reference !== undefined) sample.reference = input.reference;
  const referenceText = referenceTextOf(input);
  if (referenceText !== undefined) sample.referenceText = referenceText;
  if (input.metadata !== undefined) sample.metadata = input.metadata;
  if (text.completion_ids) sample.completion_ids = text.completion_ids;
  if (text.num_tokens !== undefined) sample.num_tokens = text.num_tokens;
  if (inGroup) {
    sample.group = {
      ...inGroup,
      num_tokens: texts.map((t) => t.num_tokens ?? t.completion_ids?.length ?? null),
    };
  }
  return sample;
}
