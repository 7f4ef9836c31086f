/**
 * OpenAI grader JSON as POST /v1/graders/* takes it: `string_check` and
 * `text_similarity` run as the built-in rules the registry maps them to
 * (registry/openai-graders.ts), reading the sample literally as OpenAI
 * documents its graders (`scope: 'verbatim'`: no splitting off the
 * reasoning, no trimming, no normalisation; that belongs to Verdict's own
 * rules); `multi` runs its named graders and combines their scores with
 * `calculate_output` in the registry's restricted formula language. Graders
 * that need a model or run user code are refused.
 */
import { InvalidRequest, UnsupportedGrader, withDetails, type ErrorDetail } from '../errors.ts';
import { compileFormula, reservedNames, type Formula } from '../registry/formula.ts';
import { fromOpenAiGrader } from '../registry/openai-graders.ts';
import type { Registry } from '../registry/registry.ts';

interface GraderLeaf {
  /** The grader's key in a multi grader (its `name`, or its type, when alone). */
  name: string;
  rule: string;
  params: Record<string, unknown>;
  /** The `reference` template or literal, resolved per item at run time. */
  reference?: string;
}

export interface CompiledGrader {
  name: string;
  type: string;
  leaves: GraderLeaf[];
  /** multi only: `calculate_output` over the leaves' names. */
  formula?: Formula;
}

type GraderJson = Record<string, unknown>;

const kindOf = { string_check: 'string-check', text_similarity: 'text-similarity' } as const;
const required = { string_check: ['reference', 'operation'], text_similarity: ['reference', 'evaluation_metric'] } as const;
const refused: Record<string, string> = {
  python: 'Verdict does not run Python graders; register a `javascript` rule (POST /v1/rewards) or use code-tests',
  score_model: 'model graders need a model; Verdict scores with rules only',
  label_model: 'model graders need a model; Verdict scores with rules only',
};

function fail(pointer: string, message: string): Error {
  return withDetails(new InvalidRequest(`${pointer} ${message}`), [{ pointer, message }]);
}

function unsupported(type: string, why: string, pointer: string): Error {
  return withDetails(new UnsupportedGrader(JSON.stringify(type), why), [{ pointer: `${pointer}/type`, message: why }]);
}

/** The registry's mapping reports pointers under `/grader`; a multi grader's members live deeper. */
function at<T>(pointer: string, build: () => T): T {
  try {
    return build();
  } catch (error) {
    const details = (error as { details?: ErrorDetail[] }).details;
    if (pointer !== '/grader' && details) {
      for (const detail of details) detail.pointer = detail.pointer.replace(/^\/grader/, pointer);
      (error as Error).message = (error as Error).message.replace('/grader', pointer);
    }
    throw error;
  }
}

function compileLeaf(name: string, grader: GraderJson, pointer: string, registry: Registry): GraderLeaf {
  const type = String(grader.type);
  if (refused[type]) throw unsupported(type, refused[type], pointer);
  if (type === 'multi') throw unsupported(type, 'a multi grader cannot hold another multi grader', pointer);
  if (!(type in kindOf)) throw unsupported(type, `supported types: ${[...Object.keys(kindOf), 'multi'].join(', ')}`, pointer);
  const kind = type as keyof typeof kindOf;
  for (const field of required[kind]) {
    if (typeof grader[field] !== 'string') throw fail(`${pointer}/${field}`, 'must be a string');
  }
  if (grader.evaluation_metric === 'cosine') throw unsupported('text_similarity/cosine', 'cosine similarity needs an embedding model', pointer);
  // The reference always reaches the rule as the group's reference: run() resolves templates and literals itself.
  const mapped = at(pointer, () => fromOpenAiGrader(kindOf[kind], { ...grader, reference: '{{item.reference}}' }));
  const params = { ...mapped.params, scope: 'verbatim' };
  registry.bindBuiltin(mapped.rule, params, { pointer }); // bad params -> VERDICT_INVALID_PARAMS with a pointer
  return { name, rule: mapped.rule, params, reference: grader.reference as string };
}

/** Checks a grader and plans how it runs; throws catalog errors with pointers into the request body. */
export function compileGrader(grader: GraderJson, registry: Registry): CompiledGrader {
  const type = String(grader.type);
  const name = typeof grader.name === 'string' ? grader.name : type;
  if (type !== 'multi') return { name, type, leaves: [compileLeaf(name, grader, '/grader', registry)] };

  const members = grader.graders;
  if (!members || typeof members !== 'object' || Array.isArray(members) || Object.keys(members).length === 0) {
    throw fail('/grader/graders', 'must be an object of named graders');
  }
  const names = Object.keys(members);
  const leaves = names.map((key) => {
    if (reservedNames.has(key)) throw fail(`/grader/graders/${key}`, `"${key}" is reserved in calculate_output; pick another name`);
    const member = (members as Record<string, unknown>)[key];
    if (!member || typeof member !== 'object') throw fail(`/grader/graders/${key}`, 'must be a grader object');
    return compileLeaf(key, member as GraderJson, `/grader/graders/${key}`, registry);
  });
  if (typeof grader.calculate_output !== 'string') throw fail('/grader/calculate_output', 'must be a string');
  let formula: Formula;
  try {
    formula = compileFormula(grader.calculate_output, names);
  } catch (error) {
    throw fail('/grader/calculate_output', (error as Error).message);
  }
  return { name, type, leaves, formula };
}

const whole = /^\s*\{\{\s*([A-Za-z_][\w.]*)\s*\}\}\s*$/;
const anywhere = /\{\{\s*([A-Za-z_][\w.]*)\s*\}\}/g;

/** Follows `item.a.b` into the item (`sample.output_text` is the completion); undefined when absent. */
function lookup(path: string, item: unknown, sample: string): unknown {
  if (path === 'sample.output_text') return sample;
  const [namespace, ...keys] = path.split('.');
  if (namespace !== 'item') return undefined;
  let value: unknown = item;
  for (const key of keys) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return value;
}

/**
 * A reference for the rule: a lone `{{item.x}}` keeps its value (a list of
 * acceptable answers stays a list); templates inside text are substituted.
 */
export function resolveReference(template: string | undefined, item: unknown, sample: string): { value?: unknown; missing?: string } {
  if (template === undefined) return {};
  const lone = whole.exec(template);
  if (lone) {
    const value = lookup(lone[1], item, sample);
    if (value === undefined || value === null) return { missing: lone[1] };
    return { value: typeof value === 'number' || typeof value === 'boolean' ? String(value) : value };
  }
  let missing: string | undefined;
  const value = template.replace(anywhere, (_match, path: string) => {
    const found = lookup(path, item, sample);
    if (found === undefined || found === null) missing ??= path;
    return typeof found === 'string' ? found : JSON.stringify(found ?? '');
  });
  return missing ? { missing } : { value };
}
