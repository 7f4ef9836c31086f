/**
 * JSON.parse of a large body, piece by piece. V8 allocates everything a
 * JSON.parse of 100 K characters or more builds straight into the old
 * generation, and the body's own string (over 128 KB) into large-object space:
 * on this machine, where touching fresh memory costs ~12 µs a page, parsing a
 * 488 KB body of 256 completions whole cost 2.2-3.0 ms and ~130 page faults;
 * in pieces, 0.75-1.6 ms and under 60 (measured here).
 *
 * Only JSON.parse parses. This file finds where the values of a large object
 * or array begin and end (skipping strings with indexOf), parses each large
 * member's value or each element on its own, and puts them back together. A
 * body it cannot take apart cleanly is parsed whole, so invalid JSON gets
 * JSON.parse's own error and every valid body the value JSON.parse gives.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/**
 * Pieces up to this many bytes are parsed as they are: under V8's 100 K-character
 * threshold, and under large-object size even as a two-byte string.
 */
export const PIECE_BYTES = 32 * 1024;
/** Taken apart this many levels deep at most (a batch's groups, then a group's completions). */
const MAX_LEVELS = 4;

/** Raised where the text is not what it should be; the caller parses the body whole instead. */
const notClean = new Error('not cleanly splittable');

export interface PieceOptions {
  pieceBytes?: number;
  /** Share of the body that may be scanned byte by byte before it is parsed whole instead (see Splitter). */
  scanShare?: number;
}

/** `parse` applied to `body` as JSON.parse would see it, in pieces where that is faster. */
export function parseInPieces(body: Buffer, parse: (text: string) => unknown, options: PieceOptions = {}): unknown {
  const limit = options.pieceBytes ?? PIECE_BYTES;
  if (body.length <= limit) return parse(body.toString('utf8'));
  const start = skipWhitespace(body, 0);
  let end = body.length;
  while (end > start && isWhitespace(body[end - 1])) end--;
  try {
    return new Splitter(body, limit, parse, options.scanShare ?? 0.05).value(start, end, 0);
  } catch {
    return parse(body.toString('utf8')); // JSON.parse's own value or error for the whole text
  }
}

class Splitter {
  /**
   * Bytes it may still look at one by one (outside strings, which indexOf skips). A body of mostly numbers
   * (token ids) costs more to scan, level after level, than to parse whole: past a twentieth of its size
   * it is parsed whole (a batch of text completions steps over well under 1 % of its bytes).
   */
  private budget: number;

  constructor(
    private readonly body: Buffer,
    private readonly limit: number,
    private readonly parse: (text: string) => unknown,
    scanShare: number,
  ) {
    this.budget = body.length * scanShare;
  }

  value(start: number, end: number, level: number): unknown {
    const { body } = this;
    if (end - start > this.limit && level < MAX_LEVELS) {
      if (body[start] === OPEN_ARRAY) return this.array(start, end, level);
      if (body[start] === OPEN_OBJECT) return this.object(start, end, level);
    }
    return this.parse(body.toString('utf8', start, end)); // small, deep enough, or one long string or number
  }

  private array(start: number, end: number, level: number): unknown[] {
    const { body } = this;
    const items: unknown[] = [];
    let i = skipWhitespace(body, start + 1);
    if (body[i] === CLOSE_ARRAY) return expectEnd(i, end, items);
    for (;;) {
      const valueEnd = this.skipValue(i, end);
      items.push(this.value(i, valueEnd, level + 1));
      i = skipWhitespace(body, valueEnd);
      if (body[i] === CLOSE_ARRAY) return expectEnd(i, end, items);
      if (body[i] !== COMMA) throw notClean;
      i = skipWhitespace(body, i + 1);
    }
  }

  /**
   * An object whose large member values are parsed apart: the rest of it (those
   * values written as null) is parsed as one text, so key order, duplicate keys
   * and secure-json-parse's checks still apply to it.
   */
  private object(start: number, end: number, level: number): unknown {
    const { body } = this;
    const keys: string[] = [];
    const large: Array<{ key: string; start: number; end: number }> = [];
    const skeleton: string[] = [];
    let copied = start;
    let i = skipWhitespace(body, start + 1);
    if (body[i] !== CLOSE_OBJECT) {
      for (;;) {
        if (body[i] !== QUOTE) throw notClean;
        const keyEnd = skipString(body, i);
        const key = JSON.parse(body.toString('utf8', i, keyEnd)) as unknown;
        if (typeof key !== 'string') throw notClean;
        keys.push(key);
        i = skipWhitespace(body, keyEnd);
        if (body[i] !== COLON) throw notClean;
        const valueStart = skipWhitespace(body, i + 1);
        const valueEnd = this.skipValue(valueStart, end);
        if (valueEnd - valueStart > this.limit) {
          large.push({ key, start: valueStart, end: valueEnd });
          skeleton.push(body.toString('utf8', copied, valueStart), 'null');
          copied = valueEnd;
        }
        i = skipWhitespace(body, valueEnd);
        if (body[i] === CLOSE_OBJECT) break;
        if (body[i] !== COMMA) throw notClean;
        i = skipWhitespace(body, i + 1);
      }
    }
    if (i + 1 !== end) throw notClean;
    // A key given twice, or one secure-json-parse looks inside (constructor.prototype), stays in one piece.
    for (const { key } of large) {
      if (key === 'constructor' || key === '__proto__' || keys.indexOf(key) !== keys.lastIndexOf(key)) throw notClean;
    }
    skeleton.push(body.toString('utf8', copied, end));
    const object = this.parse(skeleton.join('')) as Record<string, unknown>;
    for (const member of large) object[member.key] = this.value(member.start, member.end, level + 1);
    return object;
  }

  /** The index just past the value that starts at `i`; its content is JSON.parse's to check. */
  private skipValue(i: number, end: number): number {
    const { body } = this;
    const first = body[i];
    if (first === QUOTE) return skipString(body, i);
    let j = i;
    let stepped = 0;
    if (first !== OPEN_OBJECT && first !== OPEN_ARRAY) {
      // A number, true, false or null: up to the next separator.
      while (j < end && body[j] !== COMMA && body[j] !== CLOSE_ARRAY && body[j] !== CLOSE_OBJECT && !isWhitespace(body[j])) j++;
      if (j === i) throw notClean;
      stepped = j - i;
    } else {
      let depth = 0;
      for (; j < end; j++, stepped++) {
        const byte = body[j];
        if (byte === QUOTE) {
          j = skipString(body, j) - 1;
          continue;
        }
        if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) depth++;
        else if ((byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) && --depth === 0) break;
        else if (stepped > this.budget) throw notClean;
      }
      if (j >= end) throw notClean;
      j++;
    }
    if ((this.budget -= stepped) < 0) throw notClean;
    return j;
  }
}

function expectEnd<T>(i: number, end: number, value: T): T {
  if (i + 1 !== end) throw notClean;
  return value;
}

/** The index just past the string whose opening quote is at `i`. Quote and backslash are ASCII, never part of a UTF-8 sequence. */
function skipString(body: Buffer, i: number): number {
  let from = i + 1;
  for (;;) {
    const quote = body.indexOf(QUOTE, from);
    if (quote < 0) throw notClean;
    let backslashes = 0;
    while (body[quote - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}

/** JSON's four whitespace bytes. */
export function isWhitespace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

function skipWhitespace(body: Buffer, i: number): number {
  while (isWhitespace(body[i])) i++;
  return i;
}
