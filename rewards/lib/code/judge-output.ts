/**
 * Judges what a program produced against what a test expects, outside the
 * sandbox, trusting nothing the program wrote. stdout: line by line after
 * trimming trailing whitespace, trailing blank lines ignored, equal line counts
 * required (a program that prints only the first expected line fails, unlike a
 * `zip` comparison). Return values: JSON deep equality with strict types, except
 * that numbers compare as Python's `==` does (3 == 3.0; integers exactly, big
 * ones too; see exact-json.ts). `tolerance` > 0 lets numbers differ by at most
 * tolerance * max(1, |expected|).
 */
import { nestsDeeperThan } from '../json-depth.ts';
import { holdsInteger, isNumeric, numbersEqual, parseExact } from './exact-json.ts';

export interface JudgeOptions {
  tolerance: number;
}

/** Nesting of a return value the judge reads; deeper is a wrong answer, never an error. */
const MAX_VALUE_DEPTH = 1000;
/** Return values up to this size are read with exact numbers; larger ones compare big integers as doubles. */
const EXACT_READ_CHARS = 1024 * 1024;

function lines(text: string): string[] {
  const out = text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.trimEnd());
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function lineMatches(actual: string, expected: string, tolerance: number): boolean {
  if (actual === expected) return true;
  if (tolerance <= 0) return false;
  const a = actual.trim().split(/\s+/);
  const e = expected.trim().split(/\s+/);
  if (a.length !== e.length) return false;
  return a.every((token, i) => token === e[i] || (NUMBER.test(token) && NUMBER.test(e[i]) && numbersEqual(Number(token), Number(e[i]), tolerance)));
}

export function stdoutMatches(actual: string, expected: string, options: JudgeOptions): boolean {
  const a = lines(actual);
  const e = lines(expected);
  return a.length === e.length && a.every((line, i) => lineMatches(line, e[i], options.tolerance));
}

/** Deep equality; recursion goes no deeper than `expected` nests (a request's depth is bounded). */
function valuesEqual(actual: unknown, expected: unknown, options: JudgeOptions): boolean {
  if (isNumeric(actual) && isNumeric(expected)) return numbersEqual(actual, expected, options.tolerance);
  if (isNumeric(actual) || isNumeric(expected)) return false;
  if (actual === null || expected === null || typeof actual !== 'object' || typeof expected !== 'object') return actual === expected;
  if (Array.isArray(actual) !== Array.isArray(expected)) return false;
  if (Array.isArray(actual)) {
    const e = expected as unknown[];
    return actual.length === e.length && actual.every((item, i) => valuesEqual(item, e[i], options));
  }
  const a = actual as Record<string, unknown>;
  const e = expected as Record<string, unknown>;
  const keys = Object.keys(a);
  return keys.length === Object.keys(e).length && keys.every((k) => Object.hasOwn(e, k) && valuesEqual(a[k], e[k], options));
}

export type ReturnVerdict = { ok: true } | { ok: false; why?: string };

/**
 * A call's return value, as the JSON text the sandbox sent (the program's own
 * writing: anything at all), against the expected value. `unwrapSingleton`
 * also accepts `[value]` as expected (APPS).
 */
export function judgeReturn(valueJson: string | undefined, expected: unknown, options: JudgeOptions & { unwrapSingleton?: boolean }): ReturnVerdict {
  if (valueJson === undefined) return { ok: false, why: 'no return value' };
  let actual: unknown;
  try {
    actual = JSON.parse(valueJson); // iterative: any nesting parses
  } catch {
    return { ok: false, why: 'the return value is not JSON' };
  }
  if (nestsDeeperThan(actual, MAX_VALUE_DEPTH)) return { ok: false, why: `the return value nests deeper than ${MAX_VALUE_DEPTH} levels` };
  // JSON.parse read it and its nesting is checked: the exact parse cannot fail.
  if (valueJson.length <= EXACT_READ_CHARS && holdsInteger(actual, true)) actual = parseExact(valueJson);
  if (valuesEqual(actual, expected, options)) return { ok: true };
  const unwrapped = options.unwrapSingleton === true && Array.isArray(expected) && expected.length === 1 && valuesEqual(actual, expected[0], options);
  return unwrapped ? { ok: true } : { ok: false };
}
