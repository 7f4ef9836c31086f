/**
 * DeepSeek-R1's accuracy reward for code: run the completion's program against
 * the reference's tests in the sandbox and score the fraction that pass. The
 * sandbox only runs; expected outputs never enter it, the judging happens
 * here. A sandbox failure is `null` (sandbox_error), never 0.
 */
import { defineReward, type SandboxLanguage, type SandboxRunRequest, type SandboxTestRun, type Sample, type RewardContext, type ScoreResult } from './types.ts';
import { extractProgram } from './lib/code/extract-program.ts';
import { normalizeTests, type TestSuite } from './lib/code/normalize-tests.ts';
import { parseExact, stringifyExact } from './lib/code/exact-json.ts';
import { judgeReturn, stdoutMatches } from './lib/code/judge-output.ts';

const paramsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    mode: {
      enum: ['fraction', 'binary', 'all_or_nothing'],
      default: 'fraction',
      description: 'fraction: passed/total; binary: 1 if all pass else 0; all_or_nothing: binary, stopping at the first failure',
    },
    stop_on_first_failure: { type: 'boolean', default: false, description: 'Run tests one at a time and stop at the first failure (the rest count as failed)' },
    max_tests: { type: 'integer', minimum: 1, maximum: 1000, default: 50, description: 'Only the first max_tests tests run and count' },
    timeout_ms: { type: 'integer', minimum: 10, maximum: 30_000, default: 2_000, description: 'Wall-clock limit per test, in ms' },
    float_tolerance: { type: 'number', minimum: 0, maximum: 1, default: 0, description: 'Numbers may differ by tolerance * max(1, |expected|); 0 = exact' },
    default_language: {
      enum: ['javascript', 'typescript', 'python'],
      default: 'python',
      description: 'Language when neither the reference nor the code fence names one',
    },
  },
} as const;

interface Params {
  mode: 'fraction' | 'binary' | 'all_or_nothing';
  stop_on_first_failure: boolean;
  max_tests: number;
  timeout_ms: number;
  float_tolerance: number;
  default_language: SandboxLanguage;
}

type Verdict = 'passed' | 'wrong_answer' | Exclude<SandboxTestRun['status'], 'ok'>;

/** A test's verdict, with why a return value was refused when it was not merely different. */
interface Judged {
  verdict: Verdict;
  note?: string;
}

const DEADLINE_MARGIN_MS = 500; // left to report before the pool's cell deadline
const SNIPPET = 200; // characters of stdout/stderr shown per failed test

const jsAdd = '```javascript\nfunction add(a, b) { return a + b; }\n```';
const addTests = {
  language: 'javascript',
  fn_name: 'add',
  tests: [
    { args: [1, 2], expected: 3 },
    { args: [2, 2], expected: 4 },
  ],
};

export const reward = defineReward<Params>({
  id: 'code-tests',
  version: 2,
  description:
    'Runs the last fenced program of the completion against the reference tests (function calls, stdin/stdout or assert code) in the sandbox; score = fraction of tests passed.',
  paramsSchema,
  range: [0, 1],
  executor: 'sandbox',
  timeoutMs: 60_000,
  reference: {
    shapes:
      'tests: ours ({ fn_name, tests } or { assert_code }), open-r1 verification_info, APPS/TACO/CodeContests input_output, MBPP test_list, HumanEval test + entry_point, LiveCodeBench public_test_cases',
    check: (reference) => {
      const tests = normalizeTests(reference, JSON.parse); // the shape alone: numbers' exact text is for the run
      return 'error' in tests ? tests.error : undefined;
    },
  },
  examples: [
    { name: 'a correct function passes every test', sample: { completion: jsAdd, reference: addTests }, expected: 1 },
    {
      name: 'half the tests pass',
      sample: { completion: '```js\nconst add = (a, b) => a * b;\n```', reference: addTests },
      expected: 0.5,
    },
    {
      name: 'stdin/stdout test in Python; trailing whitespace is ignored',
      sample: { completion: '```python\na, b = map(int, input().split())\nprint(a + b, " ")\n```', reference: { tests: [{ stdin: '1 2\n', stdout: '3\n' }] } },
      expected: 1,
    },
    { name: 'no fenced code', sample: { completion: 'The answer is add(a, b).', reference: addTests }, expected: 0, reason: 'no_code' },
    {
      name: 'a TypeScript compile error scores 0',
      sample: { completion: '```ts\nfunction add(a: number, b: number { return a + b }\n```', reference: { ...addTests, language: 'typescript' } },
      expected: 0,
      reason: 'compile_error',
    },
    {
      name: 'a reference without tests cannot be scored',
      sample: { completion: jsAdd, reference: { fn_name: 'add' } },
      expected: null,
      reason: 'bad_reference',
    },
  ],
  async score(sample: Sample, params: Params, ctx: RewardContext): Promise<ScoreResult> {
    // The request's own text of the reference, when it has one: `3.0` stays a float, big integers exact.
    const tests = normalizeTests(sample.referenceText !== undefined ? parseExact(sample.referenceText) : sample.reference);
    if ('error' in tests) return { score: null, reason: 'bad_reference', details: { message: tests.error } };
    const suite = tests.suite;
    const program = extractProgram(sample.completion, suite.language);
    if (!program) return { score: 0, reason: 'no_code' };
    const language = suite.language ?? program.language ?? params.default_language;
    if (!ctx.sandbox) return { score: null, reason: 'sandbox_unavailable' };
    if (!ctx.sandbox.languages.includes(language)) {
      return { score: null, reason: 'sandbox_unavailable', details: { language, message: `${language} is off in this server (GET /readyz says why)` } };
    }

    const request = buildRequest(suite, program.source, language, params, ctx.deadline);
    const total = request.inputs.length;
    const stopEarly = params.stop_on_first_failure || params.mode === 'all_or_nothing';
    const verdicts: Array<Judged & { run: SandboxTestRun }> = [];
    try {
      const batches = stopEarly ? request.inputs.map((input) => [input]) : [request.inputs];
      for (const inputs of batches) {
        const { tests: runs, testsError } = await ctx.sandbox.run({ ...request, inputs });
        if (testsError !== undefined) return { score: null, reason: 'bad_reference', details: { message: `assert_code does not compile: ${testsError}` } };
        for (const run of runs) verdicts.push({ ...judge(suite, verdicts.length, run, params), run });
        if (stopEarly && verdicts.at(-1)?.verdict !== 'passed') break;
      }
    } catch (error) {
      return { score: null, reason: 'sandbox_error', details: { message: error instanceof Error ? error.message : String(error) } };
    }

    const passed = verdicts.filter((v) => v.verdict === 'passed').length;
    const fraction = passed / total;
    const score = params.mode === 'fraction' ? fraction : passed === total ? 1 : 0;
    const details = { language, passed, total, tests: verdicts.map(testDetail) };
    if (verdicts.length > 0 && verdicts.every((v) => v.verdict === 'compile_error')) return { score: 0, reason: 'compile_error', details };
    return { score, details };
  },
});

function buildRequest(suite: TestSuite, source: string, language: SandboxLanguage, params: Params, deadline: number): SandboxRunRequest {
  const base = { language, source, timeoutMs: params.timeout_ms, deadline: deadline - DEADLINE_MARGIN_MS };
  if (suite.kind === 'call') {
    const inputs = suite.cases.slice(0, params.max_tests).map((c) => stringifyExact(c.args));
    return { ...base, mode: 'call', fnName: suite.fnName, inputs };
  }
  if (suite.kind === 'stdio') return { ...base, mode: 'stdio', inputs: suite.cases.slice(0, params.max_tests).map((c) => c.stdin) };
  return { ...base, mode: 'script', assertCode: suite.assertCode, inputs: [''] };
}

function judge(suite: TestSuite, index: number, run: SandboxTestRun, params: Params): Judged {
  if (run.status !== 'ok') return { verdict: run.status };
  const options = { tolerance: params.float_tolerance };
  if (suite.kind === 'call') {
    const result = judgeReturn(run.value, suite.cases[index].expected, { ...options, unwrapSingleton: suite.unwrapSingleton });
    return result.ok ? { verdict: 'passed' } : { verdict: 'wrong_answer', note: result.why };
  }
  if (suite.kind === 'stdio') return { verdict: stdoutMatches(run.stdout, suite.cases[index].stdout, options) ? 'passed' : 'wrong_answer' };
  return { verdict: 'passed' }; // assert-style: the test code ran to its end (see the sandbox)
}

function testDetail({ verdict, note, run }: Judged & { run: SandboxTestRun }): Record<string, unknown> {
  if (verdict === 'passed') return { status: verdict, ms: run.ms };
  const detail: Record<string, unknown> = { status: verdict, ms: run.ms, stdout: run.stdout.slice(0, SNIPPET), stderr: run.stderr.slice(0, SNIPPET) };
  if (note !== undefined) detail.note = note;
  return detail;
}
