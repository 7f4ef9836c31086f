/**
 * The piecewise JSON body parser: for every text it gives what JSON.parse
 * gives, the value or the error, with pieces down to a byte so every value is
 * taken apart; and through HTTP a large body keeps secure-json-parse's refusals.
 */
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import secureJson from 'secure-json-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseInPieces, PIECE_BYTES } from '../src/json-pieces.ts';
import { buildTestApp } from './helpers.ts';

const secure = (text: string) => secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });

/** The value, or the error's message. */
function outcome(run: () => unknown): unknown {
  try {
    return { value: run() };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

const texts = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.jsonValue().map((v) => JSON.stringify(v, null, 2)),
);
// Breaks a text where it matters most: around quotes, backslashes, brackets and separators.
const broken = fc.tuple(texts, fc.nat(), fc.nat(), fc.constantFrom('', '"', '\\', ',', ':', '[', ']', '{', '}', ' ', 'x', '\u00e9')).map(
  ([text, at, cut, insert]) => {
    const i = text.length === 0 ? 0 : at % text.length;
    return text.slice(0, i) + insert + text.slice(i + (cut % 3));
  },
);

describe('parseInPieces', () => {
  it('gives JSON.parse\'s value for any JSON text, whatever the piece size', () => {
    fc.assert(
      fc.property(texts, fc.integer({ min: 1, max: 64 }), (text, pieceBytes) => {
        expect(parseInPieces(Buffer.from(text), JSON.parse, { pieceBytes, scanShare: Infinity })).toEqual(JSON.parse(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('gives the same value or the same error as secure-json-parse for broken texts', () => {
    fc.assert(
      fc.property(broken, fc.integer({ min: 1, max: 16 }), (text, pieceBytes) => {
        expect(outcome(() => parseInPieces(Buffer.from(text), secure, { pieceBytes, scanShare: Infinity }))).toEqual(outcome(() => secure(text)));
      }),
      { numRuns: 3000 },
    );
  });

  it('keeps duplicate keys, prototype keys and escaped quotes as JSON.parse has them', () => {
    const cases = [
      '{"a":[1,2,3],"a":5}',
      '{"a":5,"a":[1,2,3]}',
      '{"constructor":{"prototype":{"x":[1,2,3,4,5,6]}}}',
      '{"__proto__":[1,2,3,4,5,6,7,8]}',
      '{"g":[{"__proto__":{"x":1}}, 2, 3]}',
      '[ "a\\\\", "b\\"]", {"c":"\\\\\\"}"} ]',
      '{"k":"\u00e9\u20ac\ud83d\ude00","v":[1e5,-2,true,false,null]}',
    ];
    for (const text of cases) {
      expect(outcome(() => parseInPieces(Buffer.from(text), secure, { pieceBytes: 2, scanShare: Infinity })), text).toEqual(outcome(() => secure(text)));
    }
  });

  it('parses a body of mostly numbers (token ids) whole once scanning it would cost more than parsing', () => {
    const body = { groups: Array.from({ length: 40 }, (_, g) => ({ completions: [{ text: `c${g}`, completion_ids: Array.from({ length: 500 }, (_, i) => i * g) }] })) };
    const text = JSON.stringify(body);
    let parses = 0;
    const counting = (piece: string) => {
      parses++;
      return JSON.parse(piece) as unknown;
    };
    expect(parseInPieces(Buffer.from(text), counting, { pieceBytes: 1024 })).toEqual(body);
    expect(parses).toBe(1);
    parses = 0;
    expect(parseInPieces(Buffer.from(text), counting, { pieceBytes: 1024, scanShare: Infinity })).toEqual(body);
    expect(parses).toBeGreaterThan(1);
  });
});

describe('a large body through HTTP', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp();
  });
  afterAll(() => app.close());

  const completion = (i: number) => `<think>${'step '.repeat(200)}${i}</think> The answer is \\boxed{${i % 3}}.`;
  const groups = Array.from({ length: 8 }, (_, g) => ({ reference: '1', completions: Array.from({ length: 16 }, (_, k) => completion(g * 16 + k)) }));

  it('is scored like a small one', async () => {
    const payload = JSON.stringify({ rewards: [{ id: 'think-format' }, { id: 'math-answer' }], groups });
    expect(payload.length).toBeGreaterThan(4 * PIECE_BYTES);
    const response = await app.inject({ method: 'POST', url: '/v1/score', headers: { 'content-type': 'application/json' }, payload });
    expect(response.statusCode).toBe(200);
    const body = response.json() as { groups: Array<{ completions: Array<{ rewards: Record<string, { score: number | null }> }> }> };
    expect(body.groups).toHaveLength(8);
    expect(body.groups[0].completions[1].rewards['math-answer'].score).toBe(1);
    expect(body.groups[0].completions[0].rewards['math-answer'].score).toBe(0);
  });

  it('still refuses a constructor.prototype key inside a large member', async () => {
    const payload = `{"rewards":[{"id":"think-format"}],"groups":${JSON.stringify(groups)},"metadata":{"constructor":{"prototype":${JSON.stringify(groups)}}}}`;
    const response = await app.inject({ method: 'POST', url: '/v1/score', headers: { 'content-type': 'application/json' }, payload });
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('VERDICT_INVALID_JSON');
  });
});
