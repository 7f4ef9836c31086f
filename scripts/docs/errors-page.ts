/**
 * docs/errors.md: the HTTP error catalog (src/errors.ts, grouped by its area comments) and the per-cell
 * reason codes (rewards/reasons.ts).
 */
import fs from 'node:fs';
import * as errors from '../../src/errors.ts';
import { completionErrors, reasons, type ReasonInfo } from '../../rewards/reasons.ts';
import { code, comesWith, generatedNotice, prose, table } from './markdown.ts';

export interface CatalogError {
  area: string;
  name: string;
  code: string;
  status: number;
  template: string;
  /** When it is returned: the doc comment above it. */
  when: string;
}

type ErrorClass = new () => { code: string; statusCode: number; message: string };

/** Every error of src/errors.ts in file order, with the area its `// comment` heading gives it and its doc comment. */
export function httpErrors(): CatalogError[] {
  const source = fs.readFileSync(new URL('../../src/errors.ts', import.meta.url), 'utf8');
  const exported = errors as unknown as Record<string, ErrorClass>;
  const found: CatalogError[] = [];
  let area = '';
  let when = '';
  for (const line of source.split('\n')) {
    const heading = /^\/\/ (.+)$/.exec(line);
    if (heading) area = heading[1];
    const doc = /^\/\*\* (.+) \*\/$/.exec(line);
    if (doc) when = doc[1];
    const name = /^export const (\w+) = createError/.exec(line)?.[1];
    if (!name) continue;
    if (!when) throw new Error(`src/errors.ts: ${name} has no doc comment saying when it is returned`);
    const instance = new exported[name]();
    found.push({ area, name, code: instance.code, status: instance.statusCode, template: instance.message, when });
    when = '';
  }
  return found;
}

const emitters = (info: ReasonInfo) =>
  info.rules.map((rule) => (rule === '*' ? 'every rule' : rule === 'composite' ? 'registered composites' : `[${rule}](rules/${rule}.md)`)).join(', ');

export function errorsPage(): string {
  const catalog = httpErrors();
  const areas = [...new Set(catalog.map((e) => e.area))];
  const parts = [
    generatedNotice('`src/errors.ts` and `rewards/reasons.ts`'),
    '',
    '# Errors and reason codes',
    '',
    'Two vocabularies: an HTTP error refuses a request (or a registration) as a whole, before anything is',
    'scored; a reason code explains one cell (one completion, one rule) of a response that succeeded.',
    '',
    '## `null` is not `0`',
    '',
    '- A score of `0` means **wrong**: the rule judged the completion and it failed (`mismatch`,',
    '  `missing_think`, `no_code`, …). It trains the policy away from that answer.',
    '- `score: null` means **could not score**, always with a `reason`: the gold cannot be read, the',
    "  sandbox is off, the deadline passed. The completion's `reward` leaves that rule out; when no rule",
    "  scored, `reward` is `null` and the completion gets advantage 0 (no gradient). A caller's mistake",
    '  (no reference where a rule needs one) is a `400` before anything runs, not a column of `null`s, and',
    '  a rule `null` on more than `NULL_WARN_PERCENT` of its cells adds a `null_share` entry to the',
    "  response's `warnings`.",
    '- Never turn a `null` into `0` by default: a policy learns to reach whatever a `null` becomes. What each',
    "  trainer does with one, and the adapters' `on_null`: [integrations.md](integrations.md).",
    '',
    '## HTTP errors',
    '',
    'Every error body is `{ statusCode, code, error, message, details? }`; `details` lists',
    '`{ pointer, message }` with a JSON pointer into the request body. Every `503` carries `Retry-After`.',
    'In the messages, `%s` stands for what the request or the server fills in.',
  ];
  for (const area of areas) {
    const rows = catalog.filter((e) => e.area === area).map((e) => [String(e.status), code(e.code), prose(e.when), code(e.template)]);
    parts.push('', `### ${area}`, '', table(['status', 'code', 'when', 'message'], rows));
  }
  parts.push(
    '',
    '## Reason codes',
    '',
    "A cell's `reason` is one of these. *Comes with* says whether the cell then has a score (the meaning",
    "says which) or is `null`. A **failure** is the machinery's, not the rule's: it counts as `failed` in",
    "the response's `rules` summary (the others as `skipped` when `null`) and is never cached. A",
    '**configuration** reason means the run is set up wrong rather than one completion: the Python',
    'client\'s `on_null="raise"` stops the step on it.',
    '',
    table(
      ['reason', 'comes with', 'kind', 'emitted by', 'meaning'],
      Object.entries(reasons as Record<string, ReasonInfo>).map(([reason, info]) => [
        code(reason),
        comesWith[info.with],
        info.failure ? 'failure' : info.configuration ? 'configuration' : '',
        emitters(info),
        prose(info.meaning),
      ]),
    ),
    '',
    "A completion's own `error` (its cells are then `null` with `no_completion`):",
    '',
    table(
      ['error', 'meaning'],
      Object.entries(completionErrors).map(([error, meaning]) => [code(error), meaning]),
    ),
  );
  return `${parts.join('\n')}\n`;
}
