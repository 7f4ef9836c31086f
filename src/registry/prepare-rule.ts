/**
 * Checks a registration and turns it into what is stored: limits, the
 * built-in id guard, every reference and param bound (so a rule that cannot
 * bind is refused now, not at scoring time), sub-rule references pinned to
 * their current version (a stored version never changes behaviour), the
 * range resolved, and the content hash.
 */
import type { Config } from '../config.ts';
import { BuiltinRewardConflict, RuleTooLarge, TooManyExamples } from '../errors.ts';
import { bindDefinition, type BoundDefinition } from './bind-definition.ts';
import { parseRef, ruleAt, type Registry } from './registry.ts';
import { contentHash, type RuleDefinition, type RuleRegistration } from './rule-definition.ts';

export interface PreparedRule {
  id: string;
  definition: RuleDefinition;
  hash: string;
  /** The candidate, bound in memory, for the examples gate. */
  bound: BoundDefinition;
}

export type RuleLimits = Pick<Config, 'maxRuleSourceBytes' | 'maxRuleBytes' | 'maxRuleExamples' | 'maxRuleLeaves' | 'maxRuleDepth'>;

export function prepareRule(body: RuleRegistration, registry: Registry, version: number, limits: RuleLimits): PreparedRule {
  const { id, ...rest } = body;
  if (registry.isBuiltin(id)) throw new BuiltinRewardConflict(JSON.stringify(id));
  if (rest.examples.length > limits.maxRuleExamples) throw new TooManyExamples(rest.examples.length, limits.maxRuleExamples);
  const definition = structuredClone(rest);
  const bytes = Buffer.byteLength(JSON.stringify({ ...definition, examples: undefined }));
  if (bytes > limits.maxRuleSourceBytes) throw new RuleTooLarge('without its examples', bytes, limits.maxRuleSourceBytes, 'MAX_RULE_SOURCE_BYTES');
  // Examples are stored and shown too: with them, a definition is bounded as a whole.
  const total = Buffer.byteLength(JSON.stringify(definition));
  if (total > limits.maxRuleBytes) throw new RuleTooLarge('with its examples', total, limits.maxRuleBytes, 'MAX_RULE_BYTES');

  for (const [name, sub] of Object.entries(definition.rules ?? {})) {
    // Built-ins change only with a deploy and bind by id; registered rules are pinned (no cycles: only existing versions).
    if (registry.isBuiltin(parseRef(sub.id).id)) continue;
    const pinned = registry.bind(sub.id, sub.params, ruleAt(`/rules/${name}`));
    sub.id = `${pinned.id}@${pinned.version}`;
  }
  const bound = bindDefinition(id, version, definition, registry, limits);
  definition.range = [bound.range[0], bound.range[1]];
  return { id, definition, hash: contentHash(definition), bound };
}
