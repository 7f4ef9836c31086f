/**
 * JSON whose numbers keep what their text says where a JavaScript number would
 * change it: an integral value written as a float (`3.0`, `1e5`: floats in
 * Python, 3 and 100000 to JSON.parse) and an integer past 2^53. Such a number
 * is parsed (by JSON.parse, whose reviver sees each number's source text) to
 * a LosslessNumber (lossless-json) holding its text, which lossless-json's
 * stringify writes back as it was; every other number stays a plain number,
 * so code that only looks at shapes is unchanged.
 * Code tests need it: `3.0` must reach a Python program as a float, and a big
 * integer must be compared digit for digit.
 */
import { LosslessNumber, isLosslessNumber, stringify as losslessStringify } from 'lossless-json';

/** Whether a JSON number's text says more than the JavaScript number it parses to. */
function changesMeaning(text: string, value: number): boolean {
  return Number.isInteger(value) && (!Number.isSafeInteger(value) || /[.eE]/.test(text));
}

const exactNumber = (text: string): number | LosslessNumber => {
  const value = Number(text);
  return changesMeaning(text, value) ? new LosslessNumber(text) : value;
};

/** A reviver sees each number's source text (Node 21 and later; package.json's engines require 24). */
function exactReviver(_key: string, value: unknown, context?: { source?: string }): unknown {
  return typeof value === 'number' && context?.source !== undefined ? exactNumber(context.source) : value;
}

/**
 * Parses JSON text keeping such numbers exact; throws on invalid JSON. The reviver's walk is recursive:
 * check the nesting of untrusted text first (a value parsed by JSON.parse can be walked without recursion).
 */
export function parseExact(text: string): unknown {
  return JSON.parse(text, exactReviver);
}

/** JSON text of a value that may hold exact numbers, each written as its own text. */
export function stringifyExact(value: unknown): string {
  return losslessStringify(value) ?? 'null';
}

/**
 * Whether a value (as JSON.parse gives it) holds an integral number, or with `unsafeOnly` one past 2^53:
 * the numbers exact parsing may keep differently. Walks without recursion.
 */
export function holdsInteger(value: unknown, unsafeOnly: boolean): boolean {
  const stack = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'number' && Number.isInteger(v) && !(unsafeOnly && Number.isSafeInteger(v))) return true;
    if (v !== null && typeof v === 'object') for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push(child);
  }
  return false;
}

/** Whether `value` (as parseExact gives it) holds a number kept as its text. */
export function holdsExactNumber(value: unknown): boolean {
  const stack = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (isLosslessNumber(v)) return true;
    if (v !== null && typeof v === 'object') for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push(child);
  }
  return false;
}

type Numeric = number | LosslessNumber;

export const isNumeric = (v: unknown): v is Numeric => typeof v === 'number' || isLosslessNumber(v);

/**
 * The decimal digits of the integer a number denotes, or undefined when it is not integral. Compared as
 * text: parsing a program's million-digit integer would take seconds.
 */
function integerText(n: Numeric): string | undefined {
  if (typeof n !== 'number' && /^-?\d+$/.test(n.value)) return n.value === '-0' ? '0' : n.value;
  const value = typeof n === 'number' ? n : Number(n.value);
  return Number.isInteger(value) ? BigInt(value).toString() : undefined;
}

/**
 * Python's `==` on numbers: an int and a float are equal when their values are (3 == 3.0), integers are
 * compared exactly (2**64 + 1 != 2**64), and `tolerance` > 0 lets values differ by at most
 * tolerance * max(1, |expected|).
 */
export function numbersEqual(actual: Numeric, expected: Numeric, tolerance: number): boolean {
  // Two plain numbers (the common case, per element of a returned array): no digits to compare as text.
  if (typeof actual === 'number' && typeof expected === 'number') {
    return actual === expected || (tolerance > 0 && Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)));
  }
  const a = integerText(actual);
  const e = integerText(expected);
  if (a !== undefined && a === e) return true;
  const x = Number(typeof actual === 'number' ? actual : actual.value);
  const y = Number(typeof expected === 'number' ? expected : expected.value);
  if (tolerance > 0) return x === y || Math.abs(x - y) <= tolerance * Math.max(1, Math.abs(y));
  return a === undefined && e === undefined && x === y;
}
