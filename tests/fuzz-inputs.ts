/**
 * Generators of hostile requests for tests/fuzz.test.ts. Bodies are built as
 * raw JSON text from a small tree, so they can carry what JSON.stringify never
 * writes: duplicate and `__proto__` keys, NaN / Infinity / 1e400 literals,
 * lone-surrogate escapes, raw control characters, 10,000-deep nesting.
 */
import fc from 'fast-check';

/** A JSON tree whose objects are entry lists (duplicate and prototype keys survive) and whose leaves may be any text. */
export type Node = { raw: string } | { arr: Node[] } | { obj: Array<[string, Node]> };

export function render(node: Node): string {
  if ('raw' in node) return node.raw;
  if ('arr' in node) return `[${node.arr.map(render).join(',')}]`;
  return `{${node.obj.map(([k, v]) => `${JSON.stringify(k)}:${render(v)}`).join(',')}}`;
}

/** Plain JSON data into a tree (the starting point of mutations). */
export function toNode(value: unknown): Node {
  if (Array.isArray(value)) return { arr: value.map(toNode) };
  if (value !== null && typeof value === 'object') return { obj: Object.entries(value).map(([k, v]) => [k, toNode(v)]) };
  return { raw: JSON.stringify(value) ?? 'null' };
}

export const protoKeys = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', 'toJSON'];

const oddStrings = [
  '',
  ' ',
  '\u0000',
  '\uFEFF',
  '\uD800',
  '\uDFFF',
  '\uDC00\uD800',
  '\u202E',
  'e\u0301\u0301\u0301',
  '\uD835\uDD18\uD835\uDD2B',
  '\r\n',
  '\t',
  '<think>',
  '</think>',
  '<answer>',
  '</answer>',
  '<think>\n',
  '\n</think>\n',
  '\\boxed{',
  '}',
  '$',
  '\\',
  '"',
  '<|im_end|>',
  '</s>',
  '<|endoftext|>',
  '日本語',
  'العربية',
  '🤖',
  '\u0085',
  '\u2028',
  '%s',
  '{{sample.output_text}}',
];

/** Strings a client could send: every code unit (lone surrogates included), graphemes, format-tag soup. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.array(fc.constantFrom(...oddStrings, 'a', 'word ', '4', '\\boxed{4}'), { maxLength: 24 }).map((p) => p.join('')) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 64 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 32 }) },
  { weight: 1, arbitrary: fc.constantFrom(...protoKeys) },
);

/** Literals JSON.parse rejects or maps to odd values, and strings written with hostile escapes. */
export const rawLiteral: fc.Arbitrary<Node> = fc
  .constantFrom(
    'NaN',
    '-NaN',
    'Infinity',
    '-Infinity',
    '1e400',
    '-1e400',
    '1e-400',
    '-0',
    '0x10',
    '01',
    '.5',
    '1.',
    '+1',
    '1e',
    '9007199254740993',
    'undefined',
    'None',
    'True',
    'nul',
    '"\\ud800"',
    '"\\udfff\\ud800"',
    '"\\u0000"',
    '"a\u0001b"',
    '"\\x41"',
    '"\\uZZZZ"',
    "'single'",
    '"unterminated',
    '[1,]',
    '{"a":1,}',
    '{,}',
    '[,1]',
    '{"a"}',
    '{"a" 1}',
    '//c\n1',
    '/*c*/1',
    '1 2',
  )
  .map((raw) => ({ raw }));

/** Any JSON value, a few levels deep, with hostile strings and keys. */
export const jsonNode: fc.Arbitrary<Node> = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(
      fc.constantFrom('null', 'true', 'false', '0', '-1', '1', '0.5', '1e308', '-1e-308', '2147483648', '1e15').map((raw) => ({ raw })),
      fc
        .double()
        .filter(Number.isFinite)
        .map((d) => ({ raw: JSON.stringify(d) })),
      fc.integer().map((i) => ({ raw: String(i) })),
      hostileString.map((s) => ({ raw: JSON.stringify(s) })),
    ),
    fc.array(tie('node'), { maxLength: 4 }).map((arr) => ({ arr })),
    fc.array(fc.tuple(fc.oneof(hostileString, fc.constantFrom(...protoKeys)), tie('node')), { maxLength: 4 }).map((obj) => ({ obj })),
  ),
})).node;

/** Nesting `depth` levels of arrays or of objects (under an odd key), as raw text. */
export function deepNode(depth: number, kind: 'arr' | 'obj', key = 'a'): Node {
  if (kind === 'arr') return { raw: '['.repeat(depth) + ']'.repeat(depth) };
  const open = `{${JSON.stringify(key)}:`;
  return { raw: open.repeat(depth) + '1' + '}'.repeat(depth) };
}

// ---- Valid requests: the starting points of mutations, and a fuzz target of their own.

const formatPieces = [
  '<think>',
  '</think>',
  '<answer>',
  '</answer>',
  '\n',
  '\r\n',
  ' ',
  'reasoning',
  'step 1',
  '4',
  '\\boxed{4}',
  'The answer is 4.',
  '<|im_end|>',
];

/** Completions that exercise the format rules' branches: tag soup, empty parts, odd Unicode. */
export const completionText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.constantFrom(...formatPieces), { maxLength: 12 }).map((p) => p.join('')) },
  { weight: 1, arbitrary: hostileString },
);

const completion: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: completionText },
  {
    weight: 1,
    arbitrary: fc.record(
      { content: completionText, completion_ids: fc.array(fc.integer(), { maxLength: 8 }), num_tokens: fc.nat(1_000_000) },
      { requiredKeys: ['content'] },
    ),
  },
  {
    weight: 1,
    arbitrary: fc.array(fc.record({ role: fc.constantFrom('user', 'assistant', 'system', 'tool', ''), content: completionText }), {
      minLength: 1,
      maxLength: 3,
    }),
  },
);

/** Each cheap rule's params, with right-typed and out-of-range values. */
const paramsOf: Record<string, fc.Arbitrary<Record<string, unknown>>> = {
  'think-format': fc.record(
    { prefilled_think: fc.boolean(), min_think_chars: fc.integer({ min: -2, max: 50 }), answer_tag: fc.boolean() },
    { requiredKeys: [] },
  ),
  'tag-count': fc.record({ newlines: fc.boolean(), answer_tag: fc.boolean() }, { requiredKeys: [] }),
};

/** Rule ids: the cheap format rules mostly, the others now and then (their params stay default). */
export const ruleIds = ['think-format', 'tag-count'];
const rareIds = ['length', 'repetition-penalty', 'language-consistency', 'math-answer', 'multiple-choice', 'string-check', 'text-similarity', 'test-echo'];

const rewardSpec = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .constantFrom(...ruleIds)
      .chain((id) => fc.record({ id: fc.constant(id), weight: fc.double({ min: -10, max: 10, noNaN: true }), params: paramsOf[id] }, { requiredKeys: ['id'] })),
  },
  { weight: 1, arbitrary: fc.record({ id: fc.constantFrom(...rareIds) }) },
);

/** A request the schema accepts (mostly; params may be out of range), with distinct names per list. */
export const validRequest = fc.record(
  {
    rewards: fc.uniqueArray(rewardSpec, { minLength: 1, maxLength: 3, selector: (r) => r.id }),
    groups: fc.array(
      fc.record(
        {
          id: fc.string({ maxLength: 12 }),
          prompt: completionText,
          reference: fc.oneof(fc.constantFrom('4', '\\frac{1}{2}', 'en', 'A'), fc.jsonValue({ maxDepth: 3 })),
          metadata: fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string({ maxLength: 8 }), fc.integer())),
          completions: fc.array(completion, { minLength: 1, maxLength: 8 }),
        },
        { requiredKeys: ['completions'] },
      ),
      { minLength: 1, maxLength: 4 },
    ),
    advantages: fc.record(
      { method: fc.constantFrom('group', 'batch', 'none', 'rloo'), epsilon: fc.double({ min: 0, max: 1, noNaN: true }) },
      { requiredKeys: [] },
    ),
    aggregation: fc.constantFrom('sum_then_normalize', 'normalize_then_sum'),
    // Short deadlines kill workers mid-chunk (slow to respawn), so they are rare.
    deadline_ms: fc.oneof({ weight: 1, arbitrary: fc.integer({ min: 1, max: 50 }) }, { weight: 19, arbitrary: fc.integer({ min: 2_000, max: 60_000 }) }),
  },
  { requiredKeys: ['rewards', 'groups'] },
);

// ---- Mutations: replace, drop or add at random places of a valid tree.

export type Mutation = { at: number; kind: 'replace' | 'drop' | 'addKey'; key: string; value: Node };

export const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
  kind: fc.constantFrom('replace', 'replace', 'drop', 'addKey'),
  key: fc.oneof(fc.constantFrom(...protoKeys, 'extra', 'id', 'params', 'weight'), hostileString),
  value: fc.oneof(
    { weight: 3, arbitrary: jsonNode },
    { weight: 2, arbitrary: rawLiteral },
    { weight: 1, arbitrary: fc.constantFrom(...protoKeys).map((k) => ({ obj: [[k, { obj: [['polluted', { raw: 'true' }]] }]] as Array<[string, Node]> })) },
  ),
});

/** Every container of the tree (arrays and objects), in document order. */
function containers(node: Node, out: Node[] = []): Node[] {
  if ('arr' in node) {
    out.push(node);
    node.arr.forEach((n) => containers(n, out));
  } else if ('obj' in node) {
    out.push(node);
    node.obj.forEach(([, n]) => containers(n, out));
  }
  return out;
}

export function mutate(tree: Node, mutations: readonly Mutation[]): Node {
  for (const m of mutations) {
    const all = containers(tree);
    const target = all[Math.floor(m.at * all.length)];
    if ('arr' in target) {
      const i = Math.floor(m.at * 7919) % (target.arr.length + 1);
      if (m.kind === 'drop') target.arr.splice(i, 1);
      else if (m.kind === 'addKey' || i === target.arr.length) target.arr.push(m.value);
      else target.arr[i] = m.value;
    } else if ('obj' in target) {
      const i = Math.floor(m.at * 7919) % Math.max(1, target.obj.length);
      if (m.kind === 'addKey' || target.obj.length === 0) target.obj.push([m.key, m.value]);
      else if (m.kind === 'drop') target.obj.splice(i, 1);
      else target.obj[i] = [target.obj[i][0], m.value];
    }
  }
  return tree;
}

/** Puts `value` under `key` of a random object of the tree (deep nesting and prototype keys go everywhere). */
export function plant(tree: Node, at: number, key: string, value: Node): Node {
  const objects = containers(tree).filter((n): n is Extract<Node, { obj: unknown }> => 'obj' in n);
  objects[Math.floor(at * objects.length)].obj.push([key, value]);
  return tree;
}

// ---- Paths: a protected route written the ways a router or a proxy might still read as that route.

/** [method, path, body] of routes behind a key. */
export const protectedRoutes: Array<[string, string, unknown]> = [
  ['GET', '/v1/rewards', undefined],
  ['GET', '/v1/rewards/think-format', undefined],
  ['POST', '/v1/score', { rewards: [{ id: 'think-format' }], groups: [{ completions: ['<think>a</think> 4'] }] }],
  ['POST', '/v1/openrlhf', { query: ['a'] }],
  ['POST', '/v1/rewards', { id: 'fuzz-admin', kind: 'preset', rule: 'think-format', examples: [{ completion: 'a', expected: 0 }] }],
  ['DELETE', '/v1/rewards/fuzz-admin', undefined],
  ['POST', '/v1/jobs', { rewards: [{ id: 'think-format' }], groups: [{ completions: ['a'] }] }],
];

const pathEdits = [
  'encode',
  'encodeUpper',
  'doubleEncode',
  'encodeSlash',
  'dupSlash',
  'dotSegment',
  'dotDotSegment',
  'flipCase',
  'trailingSlash',
  'semicolon',
  'query',
  'fragment',
] as const;
export const pathEdit = fc.tuple(fc.constantFrom(...pathEdits), fc.nat());

const hexOf = (c: string) => c.charCodeAt(0).toString(16).padStart(2, '0');

/** Applies one edit at a position chosen by `n` (modulo what the path offers). */
export function editPath(path: string, [edit, n]: [(typeof pathEdits)[number], number]): string {
  const letters = [...path].flatMap((c, i) => (/[a-z0-9-]/i.test(c) ? [i] : []));
  const slashes = [...path].flatMap((c, i) => (c === '/' ? [i] : []));
  const at = (list: number[]) => list[n % Math.max(1, list.length)] ?? 0;
  const i = at(letters);
  const s = at(slashes);
  switch (edit) {
    case 'encode':
      return `${path.slice(0, i)}%${hexOf(path[i])}${path.slice(i + 1)}`;
    case 'encodeUpper':
      return `${path.slice(0, i)}%${hexOf(path[i]).toUpperCase()}${path.slice(i + 1)}`;
    case 'doubleEncode':
      return `${path.slice(0, i)}%25${hexOf(path[i])}${path.slice(i + 1)}`;
    case 'encodeSlash':
      return s === 0 ? path : `${path.slice(0, s)}%${n % 2 ? '2F' : '2f'}${path.slice(s + 1)}`;
    case 'dupSlash':
      return `${path.slice(0, s)}/${path.slice(s)}`;
    case 'dotSegment':
      return `${path.slice(0, s)}/.${path.slice(s)}`;
    case 'dotDotSegment':
      return `${path.slice(0, s)}/x/..${path.slice(s)}`;
    case 'flipCase':
      return `${path.slice(0, i)}${path[i] === path[i].toUpperCase() ? path[i].toLowerCase() : path[i].toUpperCase()}${path.slice(i + 1)}`;
    case 'trailingSlash':
      return `${path}/`;
    case 'semicolon':
      return `${path.slice(0, s + 1)}${path.slice(s + 1).replace(/(\/|$)/, ';p=1$1')}`;
    case 'query':
      return `${path}?api_key=nope&x=${n}`;
    case 'fragment':
      return `${path}#${n}`;
  }
}
