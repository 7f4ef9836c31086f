/**
 * The shapes trainers and datasets really send, through POST /v1/score with the
 * real pools and sandbox: rules refuse groups without what they need (400 with
 * a pointer, not null cells), a rule that mostly cannot score raises a warning
 * (response, log, /metrics), `rewards` takes bare ids, prompts may be
 * conversations, and math and code references come as datasets ship them.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scoreBatch } from '../src/scoring/score-batch.ts';
import { buildTestApp, score } from './helpers.ts';

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(() => app.close());

const cellOf = (
  body: { groups: Array<{ completions: Array<{ rewards: Record<string, { score: number | null; reason?: string }> }> }> },
  rule: string,
  g = 0,
  c = 0,
) => body.groups[g].completions[c].rewards[rule];

describe('rules declare what they need', () => {
  it.each([
    // a math call minus its reference: used to be a column of nulls
    [
      'math-answer without a reference',
      { rewards: ['math-answer'], groups: [{ completions: ['\\boxed{4}'] }] },
      'VERDICT_MISSING_REFERENCE',
      '/groups/0/reference',
      /math-answer needs a reference/,
    ],
    // the second group only: the pointer names it, the first group is fine
    [
      'a misnamed column leaves the second group without',
      {
        rewards: ['string-check'],
        groups: [
          { reference: 'a', completions: ['a'] },
          { answer: 'b', completions: ['b'] },
        ],
      },
      'VERDICT_INVALID_REQUEST',
      '/groups/1',
      /answer/,
    ],
    [
      'string-check in a group override, reference missing',
      { groups: [{ rewards: ['string-check'], completions: ['a'] }] },
      'VERDICT_MISSING_REFERENCE',
      '/groups/0/reference',
      /string-check needs/,
    ],
    // a list is several answers for string rules, but math-answer takes one gold
    [
      'math-answer given a list',
      { rewards: ['math-answer'], groups: [{ reference: ['1', '2'], completions: ['1'] }] },
      'VERDICT_INVALID_REFERENCE',
      '/groups/0/reference',
      /one gold answer; got a list of 2/,
    ],
    // a dataset row without any field the rule reads names the keys it found
    [
      'math-answer given a row without answer or solution',
      { rewards: ['math-answer'], groups: [{ reference: { question: 'q', label: '4' }, completions: ['4'] }] },
      'VERDICT_INVALID_REFERENCE',
      '/groups/0/reference',
      /keys found: question, label/,
    ],
    [
      'code-tests given tests it cannot read',
      { rewards: ['code-tests'], groups: [{ reference: { test_list: [1] }, completions: ['x'] }] },
      'VERDICT_INVALID_REFERENCE',
      '/groups/0/reference',
      /test_list must be a list of strings/,
    ],
    [
      'multiple-choice given a word',
      { rewards: ['multiple-choice'], groups: [{ reference: 'Paris', completions: ['A'] }] },
      'VERDICT_INVALID_REFERENCE',
      '/groups/0/reference',
      /not one of the letters/,
    ],
  ])('%s: 400', async (_name, body, code, pointer, message) => {
    const { status, body: error } = await score(app, body);
    expect(status).toBe(400);
    expect(error.code).toBe(code);
    expect(error.details[0].pointer).toBe(pointer);
    expect(error.message).toMatch(message);
  });

  it('a rule whose params carry the reference needs none from the group', async () => {
    // string-check with params.reference, regex-match with params.pattern, think-format reads no reference
    const rewards = [{ id: 'string-check', params: { reference: 'Paris' } }, { id: 'regex-match', params: { pattern: 'Par' } }, 'think-format'];
    const { status, body } = await score(app, { rewards, groups: [{ completions: ['<think>x</think>Paris'] }] });
    expect(status).toBe(200);
    expect(body.groups[0].completions[0].reward).toBe(3);
  });
});

describe('warnings', () => {
  const gold = (reference: string) => ({ reference, completions: ['\\boxed{1}'] });

  it('a rule over NULL_WARN_PERCENT of nulls gets a warning with its top reasons; the summary still counts', async () => {
    // 3 of 4 golds cannot be parsed: 75% > 20%
    const body = { rewards: ['math-answer', 'think-format'], groups: [gold('1'), gold('\\frac{1}{'), gold('\\frac{2}{'), gold('\\sqrt{')] };
    const { status, body: result } = await score(app, body);
    expect(status).toBe(200);
    expect(result.warnings).toEqual([
      {
        code: 'null_share',
        rule: 'math-answer',
        nulls: 3,
        cells: 4,
        reasons: [{ reason: 'unparsable_gold', count: 3 }],
        message: 'math-answer could not score 3 of 4 cells (75%): unparsable_gold 3',
      },
    ]);
    expect(result.rules['math-answer']).toMatchObject({ scored: 1, skipped: 3 });
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/verdict_null_share_warnings_total\{rule="math-answer"\} [1-9]/);
  });

  it('is logged with the rule, counts and reasons, never the text', async () => {
    const lines: Array<[object, string]> = [];
    const log = { warn: (fields: object, message: string) => void lines.push([fields, message]) };
    const { registry, pools, config } = app.verdict;
    await scoreBatch(
      { rewards: ['math-answer'], groups: [{ reference: '\\frac{1}{', completions: ['SECRET \\boxed{1}'] }] },
      { registry, pools, config },
      { log },
    );
    expect(lines).toEqual([
      [{ rule: 'math-answer', nulls: 1, cells: 1, reasons: [{ reason: 'unparsable_gold', count: 1 }] }, expect.stringContaining('NULL_WARN_PERCENT')],
    ]);
    expect(JSON.stringify(lines)).not.toContain('SECRET');
  });

  // Regression: the counter sat in the shared scoring machinery, so registration examples (nulls on purpose),
  // /try and grader runs counted as trainers' rules failing.
  it("counts trainers' batches in /metrics (/v1/score, /v1/openrlhf, jobs), never examples, /try or graders", async () => {
    const counted = async (rule: string) => {
      const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
      return Number(new RegExp(`^verdict_null_share_warnings_total\\{rule="${rule}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
    };
    const post = (url: string, payload: object) => app.inject({ method: 'POST', url, payload });
    const before = await counted('math-answer');

    const tried = await post('/v1/rewards/math-answer/try', { samples: [{ completion: '\\boxed{1}', reference: '\\frac{1}{' }] });
    expect(tried.json().results[0]).toMatchObject({ score: null, reason: 'unparsable_gold' });
    const example = { completion: '\\boxed{1}', reference: '\\frac{1}{', expected: null, reason: 'unparsable_gold' };
    const validated = await post('/v1/rewards/validate', { id: 'nulls-on-purpose', kind: 'preset', rule: 'math-answer', examples: [example] });
    expect(validated.statusCode, validated.body).toBe(200);
    const grader = { type: 'string_check', name: 'g', input: '{{sample.output_text}}', reference: '{{item.answer}}', operation: 'eq' };
    const graded = await post('/v1/graders/run', { grader, model_sample: 'x', item: { answer: { not: 'a string' } } });
    expect(graded.json().reward).toBeNull();
    expect(await counted('math-answer')).toBe(before);
    expect(await counted('nulls-on-purpose')).toBe(0);
    expect(await counted('string-check')).toBe(0);

    expect((await post('/v1/score', { rewards: ['math-answer'], groups: [gold('\\frac{1}{')] })).statusCode).toBe(200);
    expect((await post('/v1/openrlhf?rewards=math-answer', { query: ['\\boxed{1}'], labels: ['\\frac{1}{'] })).statusCode).toBe(200);
    const job = (await post('/v1/jobs', { rewards: ['math-answer'], groups: [gold('\\frac{1}{')] })).json();
    await expect.poll(async () => (await app.inject({ url: `/v1/jobs/${job.id}` })).json().status, { timeout: 10_000 }).toBe('done');
    expect(await counted('math-answer')).toBe(before + 3);
  });

  it('at or under the threshold there is none, and the list is always there', async () => {
    // 1 of 5 = 20%, not above 20%
    const { body } = await score(app, { rewards: ['math-answer'], groups: [gold('1'), gold('1'), gold('1'), gold('1'), gold('\\frac{1}{')] });
    expect(body.warnings).toEqual([]);
  });

  it('the streamed summary line carries them too', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/score',
      headers: { accept: 'application/x-ndjson' },
      payload: { rewards: ['math-answer'], groups: [gold('\\frac{1}{')] },
    });
    const last = JSON.parse(response.body.trim().split('\n').at(-1)!);
    expect(last).toMatchObject({ done: true, warnings: [{ rule: 'math-answer', nulls: 1, cells: 1 }] });
  });
});

describe('trainer inputs as they are', () => {
  it('`rewards` takes bare ids, mixed with specs, in the batch and in a group', async () => {
    const { status, body } = await score(app, {
      rewards: ['think-format', { id: 'string-check', name: 'exact', weight: 2 }],
      groups: [
        { reference: 'x', completions: ['<think>a</think>x'] },
        { rewards: ['string-check'], reference: 'x', completions: ['x'] },
      ],
    });
    expect(status).toBe(200);
    expect(body.groups[0].completions[0].reward).toBe(3);
    expect(Object.keys(body.groups[1].completions[0].rewards)).toEqual(['string-check']);
  });

  it('a bad bare id is a 400 that names its place', async () => {
    const { status, body } = await score(app, { rewards: ['Math Answer'], groups: [{ completions: ['x'] }] });
    expect(status).toBe(400);
    expect(body.details[0].pointer).toBe('/rewards/0');
  });

  it('a chat prompt: rules read its last user message', async () => {
    // language-consistency's default target is the prompt's language: French here, not the system's English
    const prompt = [
      { role: 'system', content: 'You are a helpful assistant. Think step by step.' },
      { role: 'user', content: 'Quelle est la capitale de la France ? Explique ton raisonnement.' },
    ];
    const completions = ['<think>La France a pour capitale la ville de Paris.</think> Paris', '<think>France has Paris as its capital city.</think> Paris'];
    const { status, body } = await score(app, { rewards: ['language-consistency'], groups: [{ prompt, completions }] });
    expect(status).toBe(200);
    expect(body.groups[0].completions.map((c: { reward: number }) => c.reward)).toEqual([1, 0]);
  });

  it('a chat prompt without a user message is a 400 at the prompt', async () => {
    const { status, body } = await score(app, { rewards: ['think-format'], groups: [{ prompt: [{ role: 'system', content: 's' }], completions: ['x'] }] });
    expect(status).toBe(400);
    expect(body.details[0].pointer).toBe('/groups/0/prompt');
  });
});

describe('math references as datasets ship them', () => {
  it.each([
    // GSM8K's answer column: the worked solution ending in "#### 72", calculator annotations and all
    ['GSM8K answer string', 'Natalia sold 48/2 = <<48/2=24>>24 clips in May.\nAltogether 48+24 = <<48+24=72>>72.\n#### 72', 'So \\boxed{72}.', 1],
    ['GSM8K row', { question: 'How many clips?', answer: 'In May 24.\n#### 1,200' }, 'The answer is 1200.', 1],
    // MATH: the gold is the last box of the solution
    ['MATH row', { problem: 'Half of 1?', solution: 'Divide: $\\frac{1}{2}$, so $\\boxed{\\frac12}$.', level: 'Level 1', type: 'Algebra' }, '\\boxed{0.5}', 1],
    ['MATH row, wrong answer', { problem: 'Half of 1?', solution: '$\\boxed{\\frac12}$' }, '\\boxed{2}', 0],
    // NuminaMath-CoT has problem, solution and messages; NuminaMath-1.5 adds answer
    ['NuminaMath-CoT row', { source: 'olympiads', problem: 'p', solution: 'Thus $x=\\boxed{7}$.', messages: [] }, '\\boxed{7}', 1],
    ['NuminaMath-1.5 row', { problem: 'p', solution: '... \\boxed{3}', answer: '3', problem_type: 'Algebra' }, '\\boxed{3}', 1],
    // DeepScaleR: answer and solution; the answer wins
    ['DeepScaleR row', { problem: 'p', answer: '\\frac{3}{4}', solution: 'long text' }, '\\boxed{0.75}', 1],
    // verl's reward_model column
    ['verl reward_model', { style: 'rule', ground_truth: '12' }, '\\boxed{12}', 1],
  ])('%s', async (_name, reference, completion, expected) => {
    const { status, body } = await score(app, { rewards: ['math-answer'], groups: [{ reference, completions: [completion] }] });
    expect(status, JSON.stringify(body)).toBe(200);
    expect(cellOf(body, 'math-answer').score).toBe(expected);
  });

  it('a NuminaMath-1.5 proof problem has no answer: null no_gold_answer, and a warning', async () => {
    const { status, body } = await score(app, {
      rewards: ['math-answer'],
      groups: [{ reference: { problem: 'Prove it.', answer: 'proof' }, completions: ['\\boxed{3}'] }],
    });
    expect(status).toBe(200);
    expect(cellOf(body, 'math-answer')).toMatchObject({ score: null, reason: 'no_gold_answer' });
    expect(body.warnings[0].reasons).toEqual([{ reason: 'no_gold_answer', count: 1 }]);
  });
});

describe('code references as datasets ship them (Python sandbox)', () => {
  const right = '```python\ndef add(a, b):\n    return a + b\n```';
  const wrong = '```python\ndef add(a, b):\n    return a - b\n```';
  const stdinRight = '```python\na, b = map(int, input().split())\nprint(a + b)\n```';
  const stdinWrong = '```python\nprint(0)\n```';
  const io = { inputs: ['1 2\n', '3 4\n'], outputs: ['3\n', '7\n'] };
  it.each([
    // MBPP: asserts on the named function, with setup code and challenge tests, run together
    [
      'MBPP',
      {
        task_id: 2,
        text: 'Add.',
        test_setup_code: 'import math',
        test_list: ['assert add(1, 2) == 3', 'assert add(2, 2) == 4'],
        challenge_test_list: ['assert add(-1, 1) == 0'],
      },
      right,
      wrong,
    ],
    // HumanEval: check(candidate) called with entry_point
    [
      'HumanEval',
      {
        task_id: 'HumanEval/0',
        prompt: 'def add(a, b):',
        entry_point: 'add',
        test: '\n\nMETADATA = {}\n\n\ndef check(candidate):\n    assert candidate(1, 2) == 3\n    assert candidate(0, 0) == 0\n',
      },
      right,
      wrong,
    ],
    // APPS/TACO: input_output as a JSON string, stdin tests
    ['APPS input_output string', { input_output: JSON.stringify(io) }, stdinRight, stdinWrong],
    // verl/PRIME: the ground truth is the JSON string of { inputs, outputs, fn_name }
    [
      'verl prime_code ground truth with fn_name',
      JSON.stringify({
        inputs: [
          [1, 2],
          [2, 2],
        ],
        outputs: [[3], [4]],
        fn_name: 'add',
      }),
      right,
      wrong,
    ],
    // CodeContests in verl's format: an object
    ['CodeContests object', io, stdinRight, stdinWrong],
    // LiveCodeBench: public tests as a JSON string, private as a list
    [
      'LiveCodeBench',
      {
        public_test_cases: JSON.stringify([{ input: '1 2\n', output: '3\n', testtype: 'stdin' }]),
        private_test_cases: [{ input: '3 4\n', output: '7\n', testtype: 'stdin' }],
      },
      stdinRight,
      stdinWrong,
    ],
  ])('%s', async (_name, reference, good, bad) => {
    const { status, body } = await score(app, { rewards: ['code-tests'], groups: [{ reference, completions: [good, bad] }] });
    expect(status, JSON.stringify(body)).toBe(200);
    expect(cellOf(body, 'code-tests', 0, 0).score).toBe(1);
    expect(cellOf(body, 'code-tests', 0, 1).score).toBe(0);
  });

  it.each([
    // LeetCode-style functional tests need a class harness Verdict does not have: refused, not scored 0
    [
      'LiveCodeBench functional tests',
      { public_test_cases: [{ input: '[1]', output: '1', testtype: 'functional' }] },
      /testtype "functional" is not supported/,
    ],
    // the compressed private tests of the release files must be decoded first
    ['LiveCodeBench compressed private tests', { public_test_cases: [], private_test_cases: 'eJzLSM3JyVcozy/KSQEAGgQEXQ==' }, /decode them first/],
    ['HumanEval without check()', { test: 'assert add(1, 2) == 3', entry_point: 'add' }, /check\(candidate\)/],
  ])('%s: 400', async (_name, reference, message) => {
    const { status, body } = await score(app, { rewards: ['code-tests'], groups: [{ reference, completions: [right] }] });
    expect(status).toBe(400);
    expect(body.code).toBe('VERDICT_INVALID_REFERENCE');
    expect(body.message).toMatch(message);
  });
});
