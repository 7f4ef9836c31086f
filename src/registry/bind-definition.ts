/**
 * Turns a registered rule's definition into a BoundRule: which built-in rules
 * run per completion (leaves) and how their results make the rule's result.
 * The same function checks a registration (errors carry pointers into the
 * request body) and binds stored versions at scoring time.
 */
import type { ScoreResult } from '../../rewards/types.ts';
import type { Config } from '../config.ts';
import { RuleTooComplex, withDetails } from '../errors.ts';
import { compileFormula, reservedNames } from './formula.ts';
import { fromOpenAiGrader } from './openai-graders.ts';
import { ruleAt, type BoundRule, type Leaf, type Registry } from './registry.ts';
import { invalidRule, type RuleDefinition } from './rule-definition.ts';

export interface BoundDefinition extends BoundRule {
  range: readonly [number, number];
}

/** What a definition may cost per completion: cells run (leaves) and composites nested. */
export type BindLimits = Pick<Config, 'maxRuleLeaves' | 'maxRuleDepth'>;

const tooComplex = (id: string, pointer: string, message: string) => withDetails(new RuleTooComplex(JSON.stringify(id), message), [{ pointer, message }]);

/** A built-in with fixed params; the preset answers with the built-in's result. */
function bindBuiltin(registry: Registry, rule: string, params: unknown, pointer: string): BoundRule {
  const bound = registry.bindBuiltin(rule, params, { pointer });
  if (!bound) throw invalidRule(pointer.replace(/\/params$/, '/rule'), `"${rule}" is not a built-in rule; built-ins: ${registry.builtinIds().join(', ')}`);
  return bound;
}

const rangeOf = (registry: Registry, id: string) => registry.get(id)!.range;

/** The result must be a finite number within the declared range; otherwise null with a reason, never a clamp. */
function withinRange(score: number, range: readonly [number, number], details: Record<string, unknown>): ScoreResult {
  if (!Number.isFinite(score)) return { score: null, reason: 'formula_error', details: { ...details, value: String(score) } };
  if (score < range[0] || score > range[1]) return { score: null, reason: 'out_of_range', details: { ...details, value: score, range } };
  return { score, details };
}

function bindComposite(
  id: string,
  def: RuleDefinition,
  registry: Registry,
  limits: BindLimits,
): Pick<BoundDefinition, 'leaves' | 'combine' | 'range' | 'depth'> {
  const rules = def.rules ?? {};
  const names = Object.keys(rules);
  for (const name of names) {
    if (reservedNames.has(name)) throw invalidRule(`/rules/${name}`, `"${name}" is reserved in formulas; pick another name`);
  }
  if (def.formula !== undefined && def.weights !== undefined) throw invalidRule('/weights', 'give either a formula or weights, not both');
  for (const name of Object.keys(def.weights ?? {})) {
    if (!(name in rules)) throw invalidRule(`/weights/${name}`, `names no rule in /rules`);
  }
  const gates = def.gates ?? {};
  for (const [name, gate] of Object.entries(gates)) {
    if (!(name in rules)) throw invalidRule(`/gates/${name}`, 'names no rule in /rules');
    if (!(gate.rule in rules) || gate.rule === name) throw invalidRule(`/gates/${name}/rule`, `must name another rule in /rules, got "${gate.rule}"`);
  }
  const formulaText = def.formula ?? names.map((name) => `${def.weights?.[name] ?? 1} * ${name}`).join(' + ');
  let formula;
  try {
    formula = compileFormula(formulaText, names);
  } catch (error) {
    throw invalidRule('/formula', (error as Error).message);
  }

  const subs = names.map((name) => registry.bind(rules[name].id, rules[name].params, ruleAt(`/rules/${name}`)));
  // Counted before the leaves are gathered: every sub-rule was bound under the same limits, so this is cheap.
  let count = 0;
  subs.forEach((sub, i) => {
    count += sub.leaves.length;
    if (count > limits.maxRuleLeaves) {
      throw tooComplex(
        id,
        `/rules/${names[i]}`,
        `runs ${count}+ built-in rules per completion (every leaf of a composite counts); the limit is ${limits.maxRuleLeaves} (MAX_RULE_LEAVES)`,
      );
    }
  });
  const depth = 1 + Math.max(...subs.map((sub) => sub.depth ?? 0));
  if (depth > limits.maxRuleDepth) {
    const deepest = names[subs.findIndex((sub) => (sub.depth ?? 0) === depth - 1)];
    throw tooComplex(id, `/rules/${deepest}`, `nests composites ${depth} deep; the limit is ${limits.maxRuleDepth} (MAX_RULE_DEPTH)`);
  }
  const leaves: Leaf[] = subs.flatMap((sub) => sub.leaves);
  const range = def.range ?? [0, 1];
  const combine = (results: ScoreResult[]): ScoreResult => {
    const scores: Record<string, number | null> = {};
    const reasons: Record<string, string> = {};
    let at = 0;
    subs.forEach((sub, i) => {
      const result = sub.combine(results.slice(at, at + sub.leaves.length));
      at += sub.leaves.length;
      scores[names[i]] = result.score;
      if (result.reason !== undefined) reasons[names[i]] = result.reason;
    });
    const gated: string[] = [];
    const values: Record<string, number> = {};
    for (const name of names) {
      const gate = gates[name];
      const opener = gate ? scores[gate.rule] : 1;
      if (opener === null) return { score: null, reason: 'sub_rule_null', details: { rule: gate!.rule, reason: reasons[gate!.rule], scores } };
      if (gate && opener < (gate.min ?? 1)) {
        gated.push(name);
        values[name] = 0;
      } else if (scores[name] !== null) values[name] = scores[name]!;
    }
    const missing = formula.names.find((name) => values[name] === undefined);
    if (missing) return { score: null, reason: 'sub_rule_null', details: { rule: missing, reason: reasons[missing], scores } };
    return withinRange(formula.evaluate(values), range, gated.length ? { scores, gated } : { scores });
  };
  return { leaves, combine, range, depth };
}

export function bindDefinition(id: string, version: number, def: RuleDefinition, registry: Registry, limits: BindLimits): BoundDefinition {
  const passThrough = (results: ScoreResult[]) => results[0];
  switch (def.kind) {
    case 'preset': {
      const bound = bindBuiltin(registry, def.rule!, def.params ?? {}, '/params');
      return { id, version, leaves: bound.leaves, combine: passThrough, range: rangeOf(registry, def.rule!) };
    }
    case 'string-check':
    case 'regex':
    case 'text-similarity': {
      const mapped = fromOpenAiGrader(def.kind, def.grader ?? {});
      const bound = bindBuiltin(registry, mapped.rule, mapped.params, '/grader');
      return { id, version, leaves: bound.leaves, combine: passThrough, range: rangeOf(registry, mapped.rule) };
    }
    case 'javascript': {
      const bound = bindBuiltin(registry, 'js-function', { source: def.source }, '/source');
      const range = def.range ?? [0, 1];
      const combine = ([result]: ScoreResult[]) => (result.score === null ? result : withinRange(result.score, range, result.details ?? {}));
      return { id, version, leaves: bound.leaves, combine, range };
    }
    case 'composite':
      return { id, version, ...bindComposite(id, def, registry, limits) };
    default: // a stored row of a kind this server does not know (written by a newer one)
      throw invalidRule('/kind', `unknown kind ${JSON.stringify((def as { kind?: unknown }).kind)}`);
  }
}
