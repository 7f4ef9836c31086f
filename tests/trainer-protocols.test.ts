/** POST /v1/openrlhf (OpenRLHF's remote reward protocol) and POST /v1/graders/{run,validate} (OpenAI grader JSON), through inject. */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfTestPython } from '../src/sandbox/self-test.ts';
import { buildTestApp } from './helpers.ts';

const noPython = await selfTestPython().then(
  () => '',
  (error: Error) => error.message,
);
if (noPython) console.log(`the Python case of the OpenRLHF tests is skipped: ${noPython}`);

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildTestApp({ openrlhfRewards: ['math-answer'] });
});
afterAll(() => app.close());

async function post(url: string, payload: unknown) {
  const response = await app.inject({ method: 'POST', url, payload: payload as object });
  return { status: response.statusCode, body: response.json() };
}

const exact = { type: 'string_check', name: 'exact', input: '{{sample.output_text}}', reference: '{{item.answer}}', operation: 'eq' };
const fuzzy = { type: 'text_similarity', name: 'fuzzy', input: '{{sample.output_text}}', reference: '{{item.answer}}', evaluation_metric: 'fuzzy_match' };

describe('POST /v1/openrlhf', () => {
  const prompt = '<|user|>What is 6*7?<|assistant|>';
  const query = [`${prompt}<think>6*7</think>The answer is \\boxed{42}.`, `${prompt}The answer is \\boxed{41}.`, 'What is 1+1? \\boxed{2}'];

  it('scores each query without its prompt, in order, against its label', async () => {
    const { status, body } = await post('/v1/openrlhf', { query, prompts: [prompt, prompt, 'What is 1+1?'], labels: ['42', '42', '2'] });
    expect(status).toBe(200);
    // 42 is right, 41 wrong, and the third sample is its own group with label 2
    expect(body.rewards).toEqual([1, 0, 1]);
    expect(body.scores).toEqual(body.rewards);
    expect(body.extra_logs).toEqual({ 'math-answer': [1, 0, 1], scored: [1, 1, 1] });
  });

  it('takes the rule set from ?rewards= and reports unscorable samples as 0 with scored 0 and a warning', async () => {
    // an unparsable gold is null: sent to OpenRLHF as 0 (torch.tensor refuses None), flagged in scored and warnings
    const { status, body } = await post('/v1/openrlhf?rewards=math-answer,think-format', { query: ['<think>x</think>\\boxed{1}'], labels: ['\\frac{1}{'] });
    expect(status).toBe(200);
    expect(body.extra_logs).toEqual({ 'math-answer': [0], 'think-format': [1], scored: [1] });
    expect(body.rewards).toEqual([1]);
    expect(body.warnings).toEqual([
      expect.objectContaining({ code: 'null_share', rule: 'math-answer', nulls: 1, cells: 1, reasons: [{ reason: 'unparsable_gold', count: 1 }] }),
    ]);
  });

  it('refuses samples without the label a rule needs, pointing at the label', async () => {
    // OpenRLHF without --label_key sends no labels: string-check has nothing to compare with
    const { status, body } = await post('/v1/openrlhf?rewards=string-check', { query: ['a', 'b'], prompts: ['p', 'q'], labels: ['a', null] });
    expect(status).toBe(400);
    expect(body.code).toBe('VERDICT_MISSING_REFERENCE');
    expect(body.details[0].pointer).toBe('/labels/1');
    expect(body.message).toMatch(/^\/labels\/1 is missing: string-check needs a reference/);
  });

  it("points at a group's first label when the group has several samples", async () => {
    // samples 2 and 3 are one group (same prompt, same label): its reference is sample 2's label
    const payload = { query: ['a', 'b', 'c', 'd'], prompts: ['p', 'p', 'q', 'q'], labels: ['a', 'a', null, null] };
    const { status, body } = await post('/v1/openrlhf?rewards=string-check', payload);
    expect(status).toBe(400);
    expect(body.details).toEqual([expect.objectContaining({ pointer: '/labels/2' })]);
    expect(body.message).toMatch(/^\/labels\/2 is missing/);
  });

  // The rules come from the query string: their errors point there, not at a body field OpenRLHF never sends.
  it.each([
    ['an unknown rule', 'nope', 'VERDICT_UNKNOWN_REWARD', /at query parameter rewards;/],
    ['a rule named twice', 'think-format,think-format', 'VERDICT_DUPLICATE_REWARD_NAME', /think-format/],
    // js-function needs params (its source) that a query cannot carry
    ['a rule whose params are required', 'js-function', 'VERDICT_INVALID_PARAMS', /query parameter rewards/],
  ])('points %s in ?rewards= at the query parameter', async (_why, rewards, code, message) => {
    const { status, body } = await post(`/v1/openrlhf?rewards=${rewards}`, { query: ['a'], labels: ['a'] });
    expect(status).toBe(400);
    expect(body.code).toBe(code);
    expect(body.message).toMatch(message);
    expect(body.details[0]).toMatchObject({ pointer: '/rewards', in: 'querystring' });
  });

  // Regression: labels were read by JSON.parse alone, so a code-tests label lost what its numbers say.
  it('keeps the numbers of a code-tests label as written: a big integer is compared digit for digit', async () => {
    // JSON.parse reads 9007199254740993 (2^53 + 1) as 2^53, which a program returning 2 ** 53 would match
    const label = '{"language":"javascript","fn_name":"f","tests":[{"args":[],"expected":9007199254740993}]}';
    const { status, body } = await post('/v1/openrlhf?rewards=code-tests', { query: ['```js\nfunction f() { return 2 ** 53; }\n```'], labels: [label] });
    expect(status).toBe(200);
    expect(body.extra_logs).toEqual({ 'code-tests': [0], scored: [1] });
  });

  it.skipIf(noPython !== '')("keeps 3.0 a float in a Python code-tests label: HumanEval/92's canonical solution scores 1", async () => {
    const anyInt =
      '```python\ndef any_int(x, y, z):\n    if isinstance(x, int) and isinstance(y, int) and isinstance(z, int):\n        return x + y == z or x + z == y or y + z == x\n    return False\n```';
    const label = '{"language":"python","fn_name":"any_int","tests":[{"args":[3,4,7],"expected":true},{"args":[3.0,4,7],"expected":false}]}';
    const { status, body } = await post('/v1/openrlhf?rewards=code-tests', { query: [anyInt], labels: [label] });
    expect(status).toBe(200);
    expect(body.extra_logs).toEqual({ 'code-tests': [1], scored: [1] });
  });

  it.each([
    // prompts must pair with queries one to one
    ['prompts of another length', '/v1/openrlhf', { query: ['a', 'b'], prompts: ['a'] }, 'VERDICT_INVALID_REQUEST'],
    // the rule id is checked against the registry
    ['an unknown rule in ?rewards=', '/v1/openrlhf?rewards=nope', { query: ['a'] }, 'VERDICT_UNKNOWN_REWARD'],
    // query is OpenRLHF's required field
    ['no query', '/v1/openrlhf', { prompts: [] }, 'VERDICT_INVALID_REQUEST'],
  ])('rejects %s with 400', async (_name, url, payload, code) => {
    const { status, body } = await post(url, payload);
    expect(status).toBe(400);
    expect(body.code).toBe(code);
  });
});

describe('POST /v1/graders/run', () => {
  it.each([
    // eq against the item's field
    ['string_check eq, right', exact, 'Paris', { answer: 'Paris' }, 1],
    // eq is case-sensitive, as OpenAI defines it
    ['string_check eq, wrong case', exact, 'paris', { answer: 'Paris' }, 0],
    // ilike with a literal reference needs no item
    ['string_check ilike with a literal', { ...exact, operation: 'ilike', reference: 'paris' }, 'It is PARIS.', {}, 1],
    // a reference template inside text is substituted
    ['reference text with a template', { ...exact, operation: 'like', reference: 'capital {{item.city}}' }, 'the capital Paris', { city: 'Paris' }, 1],
    // fuzzy_match: 3 common characters x 2 / 8 characters
    ['text_similarity fuzzy_match', fuzzy, 'abcd', { answer: 'abce' }, 0.75],
    // pass_threshold turns similarity into pass/fail
    ['text_similarity with pass_threshold', { ...fuzzy, pass_threshold: 0.9 }, 'abcd', { answer: 'abce' }, 0],
    // Literal, as OpenAI documents its graders: the reasoning is not split off, nothing is trimmed or normalised.
    ['regression: eq reads the whole sample, reasoning included', exact, '<think>capital of France</think>Paris', { answer: 'Paris' }, 0],
    ['regression: eq does not trim', exact, 'Paris\n', { answer: 'Paris' }, 0],
    ['regression: eq does not trim the reference either', exact, 'Paris', { answer: ' Paris' }, 0],
    ['like finds the reference inside the reasoning, as OpenAI would', { ...exact, operation: 'like' }, '<think>Paris?</think>Lyon', { answer: 'Paris' }, 1],
    ['a zero-width space is a character to OpenAI', exact, 'Par\u200bis', { answer: 'Paris' }, 0],
    ['fuzzy_match over the whole sample', fuzzy, '<think></think>abcd', { answer: 'abcd' }, 8 / 23],
  ])('%s', async (_name, grader, sample, item, reward) => {
    const { status, body } = await post('/v1/graders/run', { grader, model_sample: sample, item });
    expect(status).toBe(200);
    expect(body.reward).toBeCloseTo(reward as number, 10);
    expect(body.metadata.type).toBe(grader.type);
  });

  it('multi: runs each grader and combines them with calculate_output', async () => {
    const grader = { type: 'multi', name: 'answer', graders: { exact, fuzzy }, calculate_output: '0.5 * exact + 0.5 * fuzzy' };
    const { status, body } = await post('/v1/graders/run', { grader, model_sample: 'abcd', item: { answer: 'abce' } });
    expect(status).toBe(200);
    expect(body.sub_rewards).toEqual({ exact: 0, fuzzy: 0.75 });
    expect(body.reward).toBeCloseTo(0.375, 10);
    expect(body.metadata.errors).toEqual({ formula_parse_error: false, invalid_variable_error: false, other_error: false });
  });

  it('a missing item field makes the reward null with invalid_variable_error, never 0', async () => {
    const { status, body } = await post('/v1/graders/run', { grader: exact, model_sample: 'Paris', item: { other: 1 } });
    expect(status).toBe(200);
    expect(body.reward).toBeNull();
    expect(body.metadata.errors.invalid_variable_error).toBe(true);
    expect(body.metadata.reasons).toEqual({ exact: 'invalid_variable: item.answer' });
  });
});

describe('grader errors (run and validate answer the same)', () => {
  it.each([
    // python graders run user code: refused with their own code
    ['python', { type: 'python', name: 'p', source: 'def grade(s, i): return 1' }, 'VERDICT_UNSUPPORTED_GRADER', '/grader/type'],
    // model graders need a model
    ['score_model', { type: 'score_model', name: 'm', model: 'gpt-4o', input: [] }, 'VERDICT_UNSUPPORTED_GRADER', '/grader/type'],
    // a python grader inside multi is found at its own pointer
    [
      'python inside multi',
      { type: 'multi', graders: { p: { type: 'python', source: '' } }, calculate_output: 'p' },
      'VERDICT_UNSUPPORTED_GRADER',
      '/grader/graders/p/type',
    ],
    // cosine needs embeddings
    ['text_similarity cosine', { ...fuzzy, evaluation_metric: 'cosine' }, 'VERDICT_UNSUPPORTED_GRADER', '/grader/type'],
    // an operation OpenAI does not define
    ['string_check with a bad operation', { ...exact, operation: 'regex' }, 'VERDICT_INVALID_PARAMS', '/grader/operation'],
    // operation is required, as in OpenAI's schema
    ['string_check without operation', { ...exact, operation: undefined }, 'VERDICT_INVALID_REQUEST', '/grader/operation'],
    // only the completion can be the input
    ['an input other than the completion', { ...exact, input: '{{item.answer}}' }, 'VERDICT_INVALID_RULE', '/grader/input'],
    // the formula may read only the graders' names
    [
      'calculate_output naming an unknown grader',
      { type: 'multi', graders: { exact }, calculate_output: 'exact + other' },
      'VERDICT_INVALID_REQUEST',
      '/grader/calculate_output',
    ],
    // the formula language is restricted: no function definitions or imports
    [
      'calculate_output with an assignment',
      { type: 'multi', graders: { exact }, calculate_output: 'x = 1' },
      'VERDICT_INVALID_REQUEST',
      '/grader/calculate_output',
    ],
    // an unknown type lists the supported ones
    ['an unknown type', { type: 'regex_check' }, 'VERDICT_UNSUPPORTED_GRADER', '/grader/type'],
  ])('%s', async (_name, grader, code, pointer) => {
    for (const [url, extra] of [
      ['/v1/graders/run', { model_sample: 'x' }],
      ['/v1/graders/validate', {}],
    ] as const) {
      const { status, body } = await post(url, { grader, ...extra });
      expect(status, url).toBe(400);
      expect(body.code, url).toBe(code);
      expect(body.details[0].pointer, url).toBe(pointer);
    }
  });

  it('python gets a message that says it is unsupported and what to do instead', async () => {
    const { body } = await post('/v1/graders/validate', { grader: { type: 'python', source: '' } });
    expect(body.message).toMatch(/^Grader "python" is not supported: .*javascript/);
  });

  it('validate shows the built-in rule each grader runs as', async () => {
    const grader = { type: 'multi', graders: { exact, fuzzy }, calculate_output: 'max(exact, fuzzy)' };
    const { status, body } = await post('/v1/graders/validate', { grader });
    expect(status).toBe(200);
    expect(body.rules).toEqual({
      exact: { id: 'string-check', params: { operation: 'eq', scope: 'verbatim' } },
      fuzzy: { id: 'text-similarity', params: { evaluation_metric: 'fuzzy_match', scope: 'verbatim' } },
    });
  });
});
