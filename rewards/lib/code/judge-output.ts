/**
 * Judges what a program produced against what a test expects, outside the
 * sandbox. stdout: line by line after trimming trailing whitespace, trailing
 * blank lines ignored, equal line counts required (a program that prints only
 * the first expected line fails, unlike a `zip` comparison). Return values:
 * JSON deep equality with strict types. `tolerance` > 0 lets numbers differ by
 * at most tolerance * max(1, |expected|).
 */

export interface JudgeOptions {
  tolerance: number;
}

function numbersClose(actual: number, expected: number, tolerance: number): boolean {
  if (actual === expected) return true;
  return tolerance > 0 && Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected));
}

function lines(text: string): string[] {
  const out = text.replace(/\r\n?/g, '\n').split('\n').map((l) => l.trimEnd());
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
  return a.every((token, i) => token === e[i] || (NUMBER.test(token) && NUMBER.test(e[i]) && numbersClose(Number(token), Number(e[i]), tolerance)));
}

export function stdoutMatches(actual: string, expected: string, options: JudgeOptions): boolean {
  const a = lines(actual);
  const e = lines(expected);
  return a.length === e.length && a.every((line, i) => lineMatches(line, e[i], options.tolerance));
}

export function valuesEqual(actual: unknown, expected: unknown, options: JudgeOptions): boolean {
  if (typeof actual === 'number' && typeof expected === 'number') return numbersClose(actual, expected, options.tolerance);
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

/**
 * A call's return value, as the JSON text the sandbox sent, against the
 * expected value. `unwrapSingleton` also accepts `[value]` as expected (APPS).
 */
export function returnMatches(valueJson: string | undefined, expected: unknown, options: JudgeOptions & { unwrapSingleton?: boolean }): boolean {
  if (valueJson === undefined) return false;
  let actual: unknown;
  try {
    actual = JSON.parse(valueJson);
  } catch {
    return false;
  }
  if (valuesEqual(actual, expected, options)) return true;
  return options.unwrapSingleton === true && Array.isArray(expected) && expected.length === 1 && valuesEqual(actual, expected[0], options);
}
