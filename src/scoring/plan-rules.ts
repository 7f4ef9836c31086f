/**
 * Plans a request before anything runs: resolves its rules once (the batch's
 * list and each group's override, with labels and weights), reads each
 * group's prompt and completions, checks the limits, and checks that every
 * group holds what its rules need. Every mistake is a catalog error with a
 * pointer; nothing has been sent to a pool yet.
 */
import type { Config } from '../config.ts';
import {
  DuplicateRewardName,
  InvalidReference,
  InvalidRequest,
  MissingReference,
  MissingRewards,
  TooManyCells,
  TooManyCompletions,
  withDetails,
  type ErrorDetail,
} from '../errors.ts';
import { ruleAt, type BoundRule, type Registry, type RuleAt } from '../registry/registry.ts';
import { completionText, promptText, type CompletionText } from './completion-text.ts';
import type { GroupInput, RewardSpecInput, ScoreRequest } from './types.ts';

export interface PlannedRule {
  /** Key of the rule in results: `name`, else the id as requested. */
  label: string;
  weight: number;
  bound: BoundRule;
  /** `id@version`, as each cell of the rule reports it. */
  version: string;
}

export interface PlannedGroup {
  input: GroupInput;
  /** The prompt as rules read it (a conversation's last user message). */
  prompt?: string;
  rules: PlannedRule[];
  texts: CompletionText[];
}

export interface BatchPlan {
  groups: PlannedGroup[];
  /** (completion x rule) cells, before identical cells are merged. */
  cells: number;
}

export interface PlanOptions {
  /**
   * Refuse groups without the reference their rules need (default). Off where a
   * null cell is the answer asked for: rule examples, `/try`, OpenAI graders.
   */
  checkReferences?: boolean;
  /** Where the request's parts came from, when a route built it from another shape. */
  pointers?: SourcePointers;
}

/**
 * Where a request a route built from what its caller sent (a path parameter, a trainer's protocol)
 * took its parts from, so that errors point into what the caller sent; each defaults to the
 * ScoreRequest's own pointer.
 */
interface SourcePointers {
  /** The batch list's i-th rule (default `/rewards/<i>`). */
  reward?: (i: number) => RuleAt;
  /** Group gi's reference (default `/groups/<gi>/reference`). */
  reference?: (gi: number) => string;
}

/** At most this many problems are listed in an error's details. */
const MAX_DETAILS = 20;

function planList(specs: readonly RewardSpecInput[], at: (i: number) => RuleAt, registry: Registry): PlannedRule[] {
  const seen = new Set<string>();
  return specs.map((input, i) => {
    const spec = typeof input === 'string' ? { id: input } : input;
    const label = spec.name ?? spec.id;
    if (seen.has(label)) throw withDetails(new DuplicateRewardName(JSON.stringify(label)), [{ ...at(i).entry, message: `duplicate name ${label}` }]);
    seen.add(label);
    const bound = registry.bind(spec.id, spec.params, at(i));
    return { label, weight: spec.weight ?? 1, bound, version: `${bound.id}@${bound.version}` };
  });
}

/** One rule list per group (groups without an override share the batch's list). */
function planRules(body: ScoreRequest, registry: Registry, pointers: SourcePointers): PlannedRule[][] {
  const batch = body.rewards ? planList(body.rewards, pointers.reward ?? ((i) => ruleAt(`/rewards/${i}`)), registry) : undefined;
  return body.groups.map((group, gi) => {
    if (group.rewards) return planList(group.rewards, (i) => ruleAt(`/groups/${gi}/rewards/${i}`), registry);
    if (batch) return batch;
    const pointer = `/groups/${gi}`;
    throw withDetails(new MissingRewards(pointer), [{ pointer, message: 'no rewards for this group' }]);
  });
}

export function planBatch(body: ScoreRequest, registry: Registry, config: Config, options: PlanOptions = {}): BatchPlan {
  const rulesPerGroup = planRules(body, registry, options.pointers ?? {});
  const completions = body.groups.reduce((n, g) => n + g.completions.length, 0);
  if (completions > config.maxCompletions) throw new TooManyCompletions(completions, config.maxCompletions);
  const cells = body.groups.reduce((n, g, gi) => n + g.completions.length * rulesPerGroup[gi].length, 0);
  // The limit counts a cell per leaf: a composite runs each of its built-in rules on every completion.
  const leafCells = body.groups.reduce((n, g, gi) => n + g.completions.length * rulesPerGroup[gi].reduce((m, p) => m + p.bound.leaves.length, 0), 0);
  if (leafCells > config.maxCells) throw new TooManyCells(leafCells, config.maxCells);

  const groups = body.groups.map((input, gi): PlannedGroup => {
    const group: PlannedGroup = { input, rules: rulesPerGroup[gi], texts: input.completions.map(completionText) };
    if (input.prompt !== undefined) {
      const prompt = promptText(input.prompt);
      if (prompt === undefined) {
        const pointer = `/groups/${gi}/prompt`;
        throw withDetails(new InvalidRequest(`${pointer} is a conversation without a user message`), [{ pointer, message: 'no message with role "user"' }]);
      }
      group.prompt = prompt;
    }
    return group;
  });
  if (options.checkReferences !== false) checkReferences(groups, options.pointers?.reference ?? ((gi) => `/groups/${gi}/reference`));
  return { groups, cells };
}

/** Every group has the reference each of its rules needs, in a shape the rule reads. */
function checkReferences(groups: readonly PlannedGroup[], referenceAt: (gi: number) => string): void {
  const missing: ErrorDetail[] = [];
  const invalid: ErrorDetail[] = [];
  groups.forEach((group, gi) => {
    const reference = group.input.reference;
    const pointer = referenceAt(gi);
    for (const planned of group.rules) {
      for (const leaf of planned.bound.leaves) {
        const need = leaf.rule.reference;
        if (!need || need.required?.(leaf.params) === false) continue;
        if (reference === undefined || reference === null) {
          missing.push({ pointer, message: `${planned.label} needs a reference: ${need.shapes}`, rule: planned.label });
          break;
        }
        const problem = need.check?.(reference, leaf.params);
        if (problem !== undefined) {
          invalid.push({ pointer, message: `${planned.label} cannot use this reference: ${problem}`, rule: planned.label, expected: need.shapes });
          break;
        }
      }
    }
  });
  if (missing.length > 0) {
    const first = missing[0];
    const more = missing.length > 1 ? ` (and ${missing.length - 1} more)` : '';
    throw withDetails(new MissingReference(`${first.pointer} is missing: ${first.message}${more}`), missing.slice(0, MAX_DETAILS));
  }
  if (invalid.length > 0) {
    const first = invalid[0];
    const more = invalid.length > 1 ? ` (and ${invalid.length - 1} more)` : '';
    throw withDetails(new InvalidReference(`${first.pointer}: ${first.message}${more}`), invalid.slice(0, MAX_DETAILS));
  }
}
