/**
 * Conformance on HumanEval-X JavaScript (conformance/code-humaneval-js.jsonl of
 * the shared corpora, see its README): every canonical solution scores 1.0 and
 * every known-wrong solution below 1.0, through POST /v1/score and the real
 * sandbox pool. The corpora live outside the repository, in
 * VERDICT_CORPORA_DIR (default ../shared): without them the suite is skipped
 * with a printed reason, except under CI, where it fails.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildTestApp, score } from './helpers.ts';

interface Task {
  id: string;
  language: string;
  style: 'assert' | 'function';
  solution: string;
  wrong_solutions: string[];
  tests: { fn_name: string; cases?: Array<{ args: unknown[]; expected: unknown }>; assert_code?: string };
}

const corpus = path.resolve(process.env.VERDICT_CORPORA_DIR ?? '../shared', 'conformance/code-humaneval-js.jsonl');
const present = fs.existsSync(corpus);
if (!present && process.env.CI) throw new Error(`${corpus} is absent: CI runs the conformance suites (set VERDICT_CORPORA_DIR)`);
if (!present) console.log(`code conformance skipped: ${corpus} is absent (set VERDICT_CORPORA_DIR to the shared corpora)`);
const tasks: Task[] = present
  ? fs
      .readFileSync(corpus, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
  : [];

let app: FastifyInstance;
beforeAll(async () => {
  if (present) app = await buildTestApp({ cacheSize: 0 });
});
afterAll(() => app?.close());

const fence = (code: string) => '```javascript\n' + code + '\n```';

function reference(task: Task) {
  const { fn_name, cases, assert_code } = task.tests;
  return task.style === 'function' ? { language: task.language, fn_name, tests: cases } : { language: task.language, fn_name, assert_code };
}

it.skipIf(!present)(
  'scores every canonical solution 1.0 and every wrong solution below 1.0',
  async () => {
    const groups = tasks.map((task) => ({ id: task.id, reference: reference(task), completions: [task.solution, ...task.wrong_solutions].map(fence) }));
    const { status, body } = await score(app, { rewards: [{ id: 'code-tests', params: { timeout_ms: 1000 } }], groups });
    expect(status).toBe(200);
    const failures: string[] = [];
    let solutions = 0;
    let wrongs = 0;
    body.groups.forEach((group: any, g: number) => {
      group.completions.forEach((completion: any, i: number) => {
        const cell = completion.rewards['code-tests'];
        const ok = i === 0 ? cell.score === 1 : cell.score !== null && cell.score < 1;
        if (ok && i === 0) solutions++;
        else if (ok) wrongs++;
        else failures.push(`${tasks[g].id} ${i === 0 ? 'solution' : `wrong #${i}`}: ${JSON.stringify(cell).slice(0, 300)}`);
      });
    });
    const wrongTotal = tasks.reduce((n, t) => n + t.wrong_solutions.length, 0);
    console.log(
      `code conformance (HumanEval-X JS): solutions ${solutions}/${tasks.length} scored 1.0; wrong solutions ${wrongs}/${wrongTotal} scored below 1.0`,
    );
    expect(failures).toEqual([]);
  },
  600_000,
);
