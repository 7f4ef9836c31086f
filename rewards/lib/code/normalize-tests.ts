/**
 * Turns the tests found in a sample's `reference` into one suite shape.
 * Accepted, unchanged from their datasets:
 * - ours: `{ language?, fn_name?, tests: [{ args, expected }] | [{ stdin, stdout }], assert_code? }`
 * - open-r1 `verification_info`: `{ language, test_cases: [{ input, output, type: 'stdin_stdout' }] }`,
 *   bare or under a `verification_info` key, as an object or a JSON string
 * - APPS/TACO/CodeContests: `{ inputs, outputs, fn_name? }`, bare or as `input_output` (an object or
 *   a JSON string), as verl and PRIME store it
 * - MBPP: `{ test_list, test_setup_code?, challenge_test_list?, test_imports? }`: Python asserts, run as one script
 * - HumanEval: `{ test, entry_point }`: the `check(candidate)` code, called with the entry point
 * - LiveCodeBench: `{ public_test_cases, private_test_cases? }` (lists or JSON strings) of
 *   `{ input, output, testtype: 'stdin' }`
 * A string reference is parsed as JSON first.
 */
import type { SandboxLanguage } from '../../types.ts';
import { parseExact } from './exact-json.ts';
import { normalizeLanguage } from './languages.ts';

interface CallCase {
  args: unknown[];
  expected: unknown;
}

interface StdioCase {
  stdin: string;
  stdout: string;
}

export type TestSuite =
  | { kind: 'call'; fnName: string; cases: CallCase[]; language?: SandboxLanguage; unwrapSingleton?: boolean }
  | { kind: 'stdio'; cases: StdioCase[]; language?: SandboxLanguage }
  | { kind: 'assert'; assertCode: string; language?: SandboxLanguage };

export type NormalizedTests = { suite: TestSuite } | { error: string };

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * `parse` reads a reference given as JSON text: parseExact where the tests will run (`3.0` stays a float),
 * JSON.parse where only the shape is checked (in the HTTP process, once per group, before scoring).
 */
export function normalizeTests(reference: unknown, parse: (text: string) => unknown = parseExact): NormalizedTests {
  const ref = parseMaybeJson(reference, parse);
  if (!isObj(ref)) return { error: 'reference must be an object holding tests' };
  const lang = readLanguage(ref);
  if ('error' in lang) return lang;
  const language = lang.language;
  const withLanguage = (r: NormalizedTests): NormalizedTests => ('suite' in r && language ? { suite: { ...r.suite, language } } : r);

  if (Array.isArray(ref.test_list)) return withLanguage(fromMbpp(ref));
  if (typeof ref.test === 'string' && ref.entry_point !== undefined) return withLanguage(fromHumanEval(ref));
  if (ref.public_test_cases !== undefined || ref.private_test_cases !== undefined) return withLanguage(fromLiveCodeBench(ref, parse));
  if (ref.verification_info !== undefined) return normalizeTests(withLanguageHint(parseMaybeJson(ref.verification_info, parse), ref.language), parse);
  if (ref.input_output !== undefined) {
    const io = asObj(parseMaybeJson(ref.input_output, parse));
    return withLanguage(fromApps({ ...io, fn_name: ref.fn_name ?? io.fn_name }));
  }
  if (Array.isArray(ref.test_cases)) return withLanguage(fromOpenR1(ref.test_cases));
  if (Array.isArray(ref.inputs) || Array.isArray(ref.outputs)) return withLanguage(fromApps(ref));
  return withLanguage(fromOwn(ref));
}

function parseMaybeJson(value: unknown, parse: (text: string) => unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return parse(value);
  } catch {
    return value;
  }
}

const asObj = (v: unknown): Obj => (isObj(v) ? v : {});

function withLanguageHint(info: unknown, language: unknown): unknown {
  return isObj(info) && info.language === undefined && language !== undefined ? { ...info, language } : info;
}

function readLanguage(ref: Obj): { language?: SandboxLanguage } | { error: string } {
  if (ref.language === undefined || ref.language === null) return {};
  if (typeof ref.language !== 'string') return { error: 'language must be a string' };
  const language = normalizeLanguage(ref.language);
  return language ? { language } : { error: `unsupported language "${ref.language}"` };
}

function checkFnName(name: unknown): string | { error: string } {
  if (typeof name !== 'string' || !IDENTIFIER.test(name)) return { error: 'fn_name must be an identifier' };
  return name;
}

function fromOwn(ref: Obj): NormalizedTests {
  const hasTests = ref.tests !== undefined;
  if (typeof ref.assert_code === 'string' && !hasTests) {
    if (ref.assert_code.trim() === '') return { error: 'assert_code is empty' };
    return { suite: { kind: 'assert', assertCode: ref.assert_code } };
  }
  if (hasTests && ref.assert_code !== undefined) return { error: 'give either tests or assert_code, not both' };
  if (!Array.isArray(ref.tests)) return { error: 'no tests: expected tests, assert_code, test_cases or inputs/outputs' };
  if (ref.tests.length === 0) return { error: 'tests is empty' };
  if (ref.tests.every((t) => isObj(t) && Array.isArray(t.args) && 'expected' in t)) {
    const fnName = checkFnName(ref.fn_name);
    if (typeof fnName !== 'string') return fnName;
    const cases = ref.tests.map((t) => ({ args: (t as Obj).args as unknown[], expected: (t as Obj).expected }));
    return { suite: { kind: 'call', fnName, cases } };
  }
  if (ref.tests.every((t) => isObj(t) && typeof t.stdout === 'string' && (t.stdin === undefined || typeof t.stdin === 'string'))) {
    const cases = ref.tests.map((t) => ({ stdin: ((t as Obj).stdin as string | undefined) ?? '', stdout: (t as Obj).stdout as string }));
    return { suite: { kind: 'stdio', cases } };
  }
  return { error: 'each test must be { args: [...], expected } or { stdin?, stdout }, all of one kind' };
}

function fromOpenR1(testCases: unknown[]): NormalizedTests {
  if (testCases.length === 0) return { error: 'test_cases is empty' };
  const cases: StdioCase[] = [];
  for (const t of testCases) {
    if (!isObj(t) || typeof t.input !== 'string' || typeof t.output !== 'string') return { error: 'each test case needs string input and output' };
    if (t.type !== undefined && t.type !== 'stdin_stdout') return { error: `unsupported test case type ${JSON.stringify(t.type)}` };
    cases.push({ stdin: t.input, stdout: t.output });
  }
  return { suite: { kind: 'stdio', cases } };
}

/** APPS/TACO keep stdin either as one string or as a list of lines. */
const joinLines = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : Array.isArray(v) && v.every((l) => typeof l === 'string') ? v.join('\n') : undefined;

function fromApps(ref: Obj): NormalizedTests {
  const { inputs, outputs } = ref;
  if (!Array.isArray(inputs) || !Array.isArray(outputs) || inputs.length !== outputs.length) {
    return { error: 'inputs and outputs must be arrays of the same length' };
  }
  if (inputs.length === 0) return { error: 'inputs is empty' };
  if (ref.fn_name !== undefined && ref.fn_name !== null && ref.fn_name !== '') {
    const fnName = checkFnName(ref.fn_name);
    if (typeof fnName !== 'string') return fnName;
    if (!inputs.every(Array.isArray)) return { error: 'with fn_name, each input must be an array of arguments' };
    // APPS wraps most call-based expected values in a one-element list.
    const cases = inputs.map((args, i) => ({ args: args as unknown[], expected: outputs[i] }));
    return { suite: { kind: 'call', fnName, cases, unwrapSingleton: true } };
  }
  const cases: StdioCase[] = [];
  for (let i = 0; i < inputs.length; i++) {
    const stdin = joinLines(inputs[i]);
    const stdout = joinLines(outputs[i]);
    if (stdin === undefined || stdout === undefined) return { error: 'stdin/stdout tests must be strings or lists of lines' };
    cases.push({ stdin, stdout });
  }
  return { suite: { kind: 'stdio', cases } };
}

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((t) => typeof t === 'string');

/** MBPP's tests are Python asserts on the function the prompt names; they pass together or fail together. */
function fromMbpp(ref: Obj): NormalizedTests {
  const lists = ['test_list', 'challenge_test_list', 'test_imports'] as const;
  for (const key of lists) if (ref[key] !== undefined && !isStrings(ref[key])) return { error: `${key} must be a list of strings` };
  if (ref.test_setup_code !== undefined && typeof ref.test_setup_code !== 'string') return { error: 'test_setup_code must be a string' };
  const tests = [...(ref.test_list as string[]), ...((ref.challenge_test_list as string[] | undefined) ?? [])];
  if (tests.length === 0) return { error: 'test_list is empty' };
  const setup = [...((ref.test_imports as string[] | undefined) ?? []), (ref.test_setup_code as string | undefined) ?? ''];
  const assertCode = [...setup, ...tests].filter((line) => line.trim() !== '').join('\n');
  return { suite: { kind: 'assert', assertCode, language: 'python' } };
}

/** HumanEval's `test` defines `check(candidate)`; calling it with the entry point runs every assert. */
function fromHumanEval(ref: Obj): NormalizedTests {
  const entry = checkFnName(ref.entry_point);
  if (typeof entry !== 'string') return { error: 'entry_point must be an identifier' };
  if (!/\bdef\s+check\s*\(/.test(ref.test as string)) return { error: 'test must define check(candidate)' };
  return { suite: { kind: 'assert', assertCode: `${ref.test as string}\n\ncheck(${entry})\n`, language: 'python' } };
}

/** LiveCodeBench's test lists; its functional (LeetCode `class Solution`) tests have no runner here. */
function fromLiveCodeBench(ref: Obj, parse: (text: string) => unknown): NormalizedTests {
  const cases: StdioCase[] = [];
  for (const key of ['public_test_cases', 'private_test_cases'] as const) {
    if (ref[key] === undefined || ref[key] === null || ref[key] === '') continue;
    const list = parseMaybeJson(ref[key], parse);
    if (!Array.isArray(list)) {
      return {
        error: `${key} must be a list or a JSON string of one (LiveCodeBench ships private_test_cases compressed: decode them first, see docs/integrations.md)`,
      };
    }
    for (const t of list) {
      if (!isObj(t) || typeof t.input !== 'string' || typeof t.output !== 'string') return { error: `each of ${key} needs string input and output` };
      if (t.testtype !== undefined && t.testtype !== 'stdin')
        return { error: `${key}: testtype ${JSON.stringify(t.testtype)} is not supported; only stdin tests run` };
      cases.push({ stdin: t.input, stdout: t.output });
    }
  }
  if (cases.length === 0) return { error: 'public_test_cases and private_test_cases are empty' };
  return { suite: { kind: 'stdio', cases } };
}
