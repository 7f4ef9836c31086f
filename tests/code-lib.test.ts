/** Pure helpers of the code reward: finding the program, reading the tests, judging outputs. */
import { describe, expect, it } from 'vitest';
import { extractProgram } from '../rewards/lib/code/extract-program.ts';
import { normalizeTests } from '../rewards/lib/code/normalize-tests.ts';
import { isLosslessNumber } from 'lossless-json';
import { numbersEqual, parseExact, stringifyExact } from '../rewards/lib/code/exact-json.ts';
import { judgeReturn, stdoutMatches } from '../rewards/lib/code/judge-output.ts';
import { keepLineReferenceText, keepReferenceTexts, referenceTextOf, stringifyRequest } from '../src/reference-text.ts';

const fence = (tag: string, body: string) => '```' + tag + '\n' + body + '\n```';

describe('extractProgram', () => {
  const cases: Array<[string, string, Parameters<typeof extractProgram>[1], ReturnType<typeof extractProgram>]> = [
    // the last block of the language wins: models often draft, then correct
    ['last block wins', `${fence('python', 'print(1)')}\ntext\n${fence('python', 'print(2)')}`, 'python', { source: 'print(2)', language: 'python' }],
    // a block in another language is not the program
    ['other language skipped', `${fence('python', 'print(1)')}\n${fence('bash', 'ls')}`, 'python', { source: 'print(1)', language: 'python' }],
    // an untagged block is used only when no tagged one exists
    ['untagged fallback', fence('', 'x = 1'), 'python', { source: 'x = 1' }],
    // code inside the reasoning does not count
    ['think ignored', `<think>${fence('js', 'bad()')}</think>${fence('js', 'good()')}`, 'javascript', { source: 'good()', language: 'javascript' }],
    // the <answer> region is searched when present
    ['answer region', `${fence('py', 'a')}<answer>${fence('py', 'b')}</answer>${fence('py', 'c')}`, 'python', { source: 'b', language: 'python' }],
    // tildes and longer fences; a shorter inner fence does not close
    ['nested fence', '````md\n```js\nx\n```\n````\n' + fence('ts', 'let y: number = 1'), undefined, { source: 'let y: number = 1', language: 'typescript' }],
    // a truncated completion: the open block runs to the end
    ['unclosed block', '```python\nprint(3)', 'python', { source: 'print(3)', language: 'python' }],
    // prose with no fence has no program
    ['no code', 'just prose, def f(): pass', 'python', null],
    // an empty block is no code
    ['empty block', fence('python', '   '), 'python', null],
  ];
  it.each(cases)('%s', (_name, completion, language, expected) => {
    expect(extractProgram(completion, language)).toEqual(expected);
  });
});

describe('normalizeTests', () => {
  const cases: Array<[string, unknown, unknown]> = [
    // our call shape
    [
      'own call',
      { language: 'js', fn_name: 'f', tests: [{ args: [1], expected: 2 }] },
      { suite: { kind: 'call', fnName: 'f', cases: [{ args: [1], expected: 2 }], language: 'javascript' } },
    ],
    // our stdio shape; stdin defaults to empty
    ['own stdio', { tests: [{ stdout: '1' }] }, { suite: { kind: 'stdio', cases: [{ stdin: '', stdout: '1' }] } }],
    // assert-style
    ['assert', { assert_code: 'assert f(1) == 2' }, { suite: { kind: 'assert', assertCode: 'assert f(1) == 2' } }],
    // open-r1 verification_info as a JSON string under its key
    [
      'open-r1',
      { verification_info: JSON.stringify({ language: 'python', test_cases: [{ input: '1', output: '2', type: 'stdin_stdout' }] }) },
      { suite: { kind: 'stdio', cases: [{ stdin: '1', stdout: '2' }], language: 'python' } },
    ],
    // APPS stdio with lines given as lists
    ['apps stdio', { inputs: [['1', '2']], outputs: ['3'] }, { suite: { kind: 'stdio', cases: [{ stdin: '1\n2', stdout: '3' }] } }],
    // APPS call-based via input_output string: expected values come wrapped in a list
    [
      'apps call',
      { input_output: JSON.stringify({ inputs: [[1, 2]], outputs: [[3]], fn_name: 'add' }) },
      { suite: { kind: 'call', fnName: 'add', cases: [{ args: [1, 2], expected: [3] }], unwrapSingleton: true } },
    ],
    // fn_name must be an identifier: it is evaluated by the JS harness
    ['bad fn_name', { fn_name: 'f();x', tests: [{ args: [], expected: 1 }] }, { error: 'fn_name must be an identifier' }],
    // mixed test kinds are refused
    ['mixed', { fn_name: 'f', tests: [{ args: [], expected: 1 }, { stdout: '1' }] }, { error: expect.stringContaining('all of one kind') }],
    // a language we do not run
    ['unknown language', { language: 'cobol', tests: [{ stdout: '' }] }, { error: 'unsupported language "cobol"' }],
    // no tests at all
    ['nothing', { fn_name: 'f' }, { error: expect.stringContaining('no tests') }],
  ];
  it.each(cases)('%s', (_name, reference, expected) => {
    expect(normalizeTests(reference)).toEqual(expected);
  });
});

describe('judging', () => {
  const exact = { tolerance: 0 };
  const stdout: Array<[string, string, string, number, boolean]> = [
    // trailing spaces and a final newline do not matter
    ['trailing whitespace', '1 2  \n3\n\n', '1 2\n3', 0, true],
    // printing only the first expected line fails (open-r1's zip bug)
    ['missing line', '1', '1\n2', 0, false],
    // an extra line fails too
    ['extra line', '1\n2\nall tests passed', '1\n2', 0, false],
    // leading whitespace is significant
    ['leading space', ' 1', '1', 0, false],
    // CRLF is normalised
    ['crlf', '1\r\n2\r\n', '1\n2', 0, true],
    // tolerance compares numeric tokens
    ['float tolerance', '0.3333333', '0.333333333', 1e-6, true],
    ['float exact', '0.3333333', '0.333333333', 0, false],
  ];
  it.each(stdout)('stdout: %s', (_name, actual, expected, tolerance, ok) => {
    expect(stdoutMatches(actual, expected, { tolerance })).toBe(ok);
  });

  const values: Array<[string, string | undefined, unknown, boolean, boolean?]> = [
    ['deep equal', '{"a":[1,2],"b":null}', { b: null, a: [1, 2] }, true],
    // strict types: "1" is not 1, true is not 1
    ['string vs number', '"1"', 1, false],
    ['bool vs number', 'true', 1, false],
    // an extra key fails
    ['extra key', '{"a":1,"b":2}', { a: 1 }, false],
    // no value (the call failed) never matches
    ['no value', undefined, null, false],
    // APPS wraps expected values in a list
    ['apps singleton', '3', [3], false],
    ['apps singleton unwrapped', '3', [3], true, true],
    // Python's == on numbers: a float return equals an int expected of the same value
    ['float return, int expected', '3.0', 3, true],
    // integers past 2^53 compare digit for digit, not as the nearest double
    ['big integer exact', '12345678901234567891', parseExact('12345678901234567891'), true],
    ['big integer off by one', '12345678901234567890', parseExact('12345678901234567891'), false],
    ['big integer vs its double', '18446744073709551617', 18446744073709551616, false],
    // an expected float written 3.0 still equals the program's 3
    ['exact float expected', '3', parseExact('3.0'), true],
  ];
  it.each(values)('value: %s', (_name, json, expected, ok, unwrap) => {
    expect(judgeReturn(json, expected, { ...exact, unwrapSingleton: unwrap }).ok).toBe(ok);
  });
});

describe('program output the judge does not trust', () => {
  const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
  const cases: Array<[string, string, unknown, { ok: boolean; why?: string }]> = [
    // a 200,000-deep array is a wrong answer with a reason, never an exception (which would be null)
    ['deep array', deep(200_000), [], { ok: false, why: 'the return value nests deeper than 1000 levels' }],
    ['not JSON', '{"s":"ok"', 1, { ok: false, why: 'the return value is not JSON' }],
    ['a frame the program wrote', '{"s":"ok","v":"1"}', 1, { ok: false }],
    // deep but within the limit, against a shallow expected value: compared, not refused
    ['deep within the limit', deep(999), [], { ok: false }],
    // a big integer under a duplicate key: the last one counts, as JSON.parse reads it; judged, no exception
    ['duplicate key with a big integer', '{"a":1,"a":12345678901234567890}', { a: 1 }, { ok: false }],
    // a million-digit integer is compared as text, not parsed
    ['a million digits', '9'.repeat(1_000_000), 1, { ok: false }],
  ];
  it.each(cases)('%s', (_name, json, expected, verdict) => {
    expect(judgeReturn(json, expected, { tolerance: 0 })).toEqual(verdict);
  });
});

describe('exact numbers', () => {
  it('keeps a float written 3.0 and a big integer as their text, and nothing else', () => {
    const value = parseExact('{"args":[3.0,4,1.5,12345678901234567890,1e5,-0.0]}') as { args: unknown[] };
    expect(value.args.map((n) => (isLosslessNumber(n) ? `exact ${n.value}` : n))).toEqual([
      'exact 3.0',
      4,
      1.5,
      'exact 12345678901234567890',
      'exact 1e5',
      'exact -0.0',
    ]);
    expect(stringifyExact(value)).toBe('{"args":[3.0,4,1.5,12345678901234567890,1e5,-0.0]}');
  });

  const equal: Array<[string, string, string, number, boolean]> = [
    ['int and float of one value', '3', '3.0', 0, true],
    ['different values', '3', '3.5', 0, false],
    ['2**64 + 1 vs 2**64', '18446744073709551617', '18446744073709551616', 0, false],
    ['1e300 is no power of ten', '1e300', '1' + '0'.repeat(300), 0, false],
    ['tolerance', '0.3333', '0.33333', 1e-3, true],
  ];
  it.each(equal)('numbersEqual: %s', (_name, a, b, tolerance, ok) => {
    const read = (text: string) => parseExact(text) as number;
    expect(numbersEqual(read(a), read(b), tolerance)).toBe(ok);
  });
});

describe('reference text of a request body', () => {
  const parse = (text: string) => {
    const body = JSON.parse(text);
    keepReferenceTexts(body, () => text);
    return body.groups.map((g: object) => referenceTextOf(g));
  };
  it('is kept only for a reference whose numbers JSON.parse changed', () => {
    const text = '{"groups":[{"reference":{"tests":[{"args":[3.0],"expected":1}]}},{"reference":{"tests":[{"args":[3],"expected":1.5}]}},{"reference":"3.0"}]}';
    expect(parse(text)).toEqual(['{"tests":[{"args":[3.0],"expected":1}]}', undefined, undefined]);
  });
  it('reads a duplicate key as JSON.parse does (the last one), keeping no text when that one is plain', () => {
    expect(parse('{"groups":[{"reference":{"a":3.0,"a":4}}]}')).toEqual([undefined]);
  });
  // Regression: a job's stored request and the CLI's --url body were written by JSON.stringify, so 3.0
  // reached Python as 3 there while /v1/score kept it.
  it('survives being written out again, as a stored job or the CLI sends it', () => {
    const text =
      '{"rewards":["code-tests"],"groups":[{"reference":{"tests":[{"args":[3.0, 18446744073709551617],"expected":false}]},"completions":["x"]},{"reference":"4","completions":["y"]}]}';
    const body = JSON.parse(text);
    keepReferenceTexts(body, () => text);
    const written = stringifyRequest(body);
    expect(written).toContain('"args":[3.0,18446744073709551617]');
    expect(parse(written)).toEqual(['{"tests":[{"args":[3.0,18446744073709551617],"expected":false}]}', undefined]);
    const plain = { groups: [{ reference: { a: 3 }, completions: ['z'] }] };
    expect(stringifyRequest(plain)).toBe(JSON.stringify(plain)); // nothing kept: JSON.stringify itself
  });
  it('is kept for a JSONL line of the CLI, from the field it reads the reference from', () => {
    const line = '{"id":"q1","answer":{"tests":[{"args":[3.0],"expected":true}]},"completions":["x"]}';
    const group = { id: 'q1' };
    keepLineReferenceText(group, JSON.parse(line), 'answer', () => line);
    expect(referenceTextOf(group)).toBe('{"tests":[{"args":[3.0],"expected":true}]}');
    const plain = {};
    keepLineReferenceText(plain, JSON.parse(line), 'reference', () => line);
    expect(referenceTextOf(plain)).toBeUndefined();
  });
});
