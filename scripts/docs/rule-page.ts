/**
 * docs/rules/<id>.md: a built-in rule's facts from its definition (description, params schema with
 * defaults, range, examples, the reason codes it emits), then the hand-written part kept beside it in
 * rewards/<id>.md, when there is one.
 */
import fs from 'node:fs';
import { reasons, type ReasonInfo } from '../../rewards/reasons.ts';
import type { RewardDefinition } from '../../rewards/types.ts';
import { code, comesWith, generatedNotice, prose, table } from './markdown.ts';

interface ParamSchema {
  type?: string | readonly string[];
  enum?: readonly unknown[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  description?: string;
}

const narrativePath = (id: string) => new URL(`../../rewards/${id}.md`, import.meta.url);

function typeOf(p: ParamSchema): string {
  if (p.enum) return p.enum.map((v) => code(JSON.stringify(v))).join(', ');
  const type = typeof p.type === 'string' ? p.type : (p.type?.join(' or ') ?? 'any');
  const bounds = [
    p.minimum !== undefined && `≥ ${p.minimum}`,
    p.exclusiveMinimum !== undefined && `> ${p.exclusiveMinimum}`,
    p.maximum !== undefined && `≤ ${p.maximum}`,
    p.exclusiveMaximum !== undefined && `< ${p.exclusiveMaximum}`,
    p.minLength !== undefined && `at least ${p.minLength} characters`,
    p.maxLength !== undefined && `at most ${p.maxLength} characters`,
    p.pattern !== undefined && `matching ${code(p.pattern)}`,
  ].filter(Boolean);
  return bounds.length ? `${type}, ${bounds.join(', ')}` : type;
}

function paramsTable(rule: RewardDefinition): string {
  const schema = rule.paramsSchema as { properties?: Record<string, ParamSchema>; required?: readonly string[] };
  const entries = Object.entries(schema.properties ?? {});
  if (entries.length === 0) return 'None.';
  const required = new Set(schema.required ?? []);
  const rows = entries.map(([name, p]) => [
    code(name),
    typeOf(p),
    required.has(name) ? 'required' : 'default' in p ? code(JSON.stringify(p.default)) : '(unset)',
    prose(p.description ?? ''),
  ]);
  return table(['param', 'type', 'default', 'meaning'], rows);
}

function facts(rule: RewardDefinition): string[] {
  const lines = [
    `- **Version** ${rule.version}: echoed in every result as ${code(`${rule.id}@${rule.version}`)}, bumped whenever scores change.`,
    `- **Range** [${rule.range[0]}, ${rule.range[1]}], or \`null\` with a reason.`,
    `- **Runs in** ${rule.executor === 'sandbox' ? "the code sandbox's child processes (`SANDBOX_POOL_SIZE`)" : 'the scoring pool (`POOL_SIZE`)'}, with a deadline of ${rule.timeoutMs !== undefined ? `${rule.timeoutMs} ms` : '`CELL_TIMEOUT_MS`'} unless the request sets one.`,
    rule.reference
      ? `- **Reference** (the group's \`reference\`): ${prose(rule.reference.shapes)}. A group without a usable one is a \`400\`.`
      : '- **Reference**: not read.',
  ];
  if (rule.needsGroup) lines.push("- **Reads the group**: the other completions of the completion's group.");
  if (rule.needsVerdicts)
    lines.push('- **Reads other verdicts**: the scores of the other rules of the request for the same completion (`correct_from`); it runs after them.');
  return lines;
}

function reasonsTable(id: string): string {
  const own = Object.entries(reasons as Record<string, ReasonInfo>).filter(([, info]) => info.rules.includes(id));
  const rows = own.map(([reason, info]) => [code(reason), comesWith[info.with], prose(info.meaning)]);
  const common = Object.entries(reasons as Record<string, ReasonInfo>)
    .filter(([, info]) => info.rules.includes('*'))
    .map(([reason]) => code(reason));
  const tail = `Like every rule, also ${common.join(', ')} ([errors.md](../errors.md#reason-codes)).`;
  return rows.length ? `${table(['reason', 'comes with', 'meaning'], rows)}\n\n${tail}` : tail;
}

function example(e: RewardDefinition['examples'][number]): string {
  const input: Record<string, unknown> = { ...e.sample };
  if (e.params) input.params = e.params;
  const outcome = e.expected === null ? '`null`' : code(String(e.expected));
  return [
    `- **${e.name}**: ${outcome}${e.reason ? ` with ${code(e.reason)}` : ''}`,
    '',
    '  ```json',
    ...JSON.stringify(input, null, 2)
      .split('\n')
      .map((line) => `  ${line}`),
    '  ```',
  ].join('\n');
}

export function rulePage(rule: RewardDefinition): string {
  const narrative = fs.existsSync(narrativePath(rule.id)) ? fs.readFileSync(narrativePath(rule.id), 'utf8').trim() : undefined;
  const sources = narrative ? `\`rewards/${rule.id}.ts\` and \`rewards/${rule.id}.md\`` : `\`rewards/${rule.id}.ts\``;
  const parts = [
    generatedNotice(sources),
    '',
    `# ${code(rule.id)}`,
    '',
    prose(rule.description),
    '',
    ...facts(rule),
    '',
    '## Params',
    '',
    'Checked before any cell runs (an unknown or ill-typed one is `400 VERDICT_INVALID_PARAMS`); defaults fill the rest.',
    '',
    paramsTable(rule),
    '',
    '## Reason codes',
    '',
    reasonsTable(rule.id),
    '',
    '## Examples',
    '',
    'Each is run by the test suite (`tests/rewards-contract.test.ts`) and served by `GET /v1/rewards/' + rule.id + '`.',
    '',
    ...rule.examples.map((e) => example(e)).flatMap((block) => [block, '']),
  ];
  if (narrative) parts.push('## Notes', '', narrative, '');
  return `${parts.join('\n').trimEnd()}\n`;
}
