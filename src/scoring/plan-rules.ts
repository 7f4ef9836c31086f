/** Resolves the rules of a request once: the batch's list and each group's override, with labels and weights. */
import { DuplicateRewardName, MissingRewards, withDetails } from '../errors.ts';
import type { BoundRule, Registry } from '../registry/registry.ts';
import type { RewardSpec, ScoreRequest } from './types.ts';

export interface PlannedRule {
  /** Key of the rule in results: `name`, else the id as requested. */
  label: string;
  weight: number;
  bound: BoundRule;
  /** `id@version`, as each cell of the rule reports it. */
  version: string;
}

function planList(specs: readonly RewardSpec[], pointer: string, registry: Registry): PlannedRule[] {
  const seen = new Set<string>();
  return specs.map((spec, i) => {
    const label = spec.name ?? spec.id;
    if (seen.has(label)) {
      const where = `${pointer}/${i}`;
      throw withDetails(new DuplicateRewardName(JSON.stringify(label)), [{ pointer: where, message: `duplicate name ${label}` }]);
    }
    seen.add(label);
    const bound = registry.bind(spec.id, spec.params, `${pointer}/${i}/id`);
    return { label, weight: spec.weight ?? 1, bound, version: `${bound.id}@${bound.version}` };
  });
}

/** One rule list per group (groups without an override share the batch's list). */
export function planRules(body: ScoreRequest, registry: Registry): PlannedRule[][] {
  const batch = body.rewards ? planList(body.rewards, '/rewards', registry) : undefined;
  return body.groups.map((group, gi) => {
    if (group.rewards) return planList(group.rewards, `/groups/${gi}/rewards`, registry);
    if (batch) return batch;
    const pointer = `/groups/${gi}`;
    throw withDetails(new MissingRewards(pointer), [{ pointer, message: 'no rewards for this group' }]);
  });
}
