/**
 * Parses one extracted answer (LaTeX or plain) into a Value: answer lists,
 * relations, ratios, unions, brackets (tuples, intervals, sets, set-builder)
 * and matrices. Primaries are in parse-primary.ts, expression levels in
 * parse-expr.ts.
 */
import type { MathNode } from 'mathjs';
import { CONNECTORS } from './parse-expr.ts';
import { PrimaryParser } from './parse-primary.ts';
import { tokenize } from './lexer.ts';
import { cleanMath, type CleanOptions } from './clean-math.ts';
import { LIMITS, LimitError, ParseError } from './limits.ts';
import { expandPlusMinus } from './plus-minus.ts';
import { expr, isInequality, type RelOp, type Value } from './value.ts';

const REL_CMDS: Record<string, RelOp> = {
  le: '<=',
  leq: '<=',
  leqslant: '<=',
  ge: '>=',
  geq: '>=',
  geqslant: '>=',
  ne: '!=',
  neq: '!=',
  lt: '<',
  gt: '>',
  in: 'in',
  approx: 'approx',
  simeq: 'approx',
  equiv: '=',
};
const REL_OPS: Record<string, RelOp> = { '=': '=', '<': '<', '>': '>', '<=': '<=', '>=': '>=', '!=': '!=' };
const CLOSERS: Record<string, string[]> = { '(': [')', ']'], '[': [']', ')'], '{': ['}'], '\\{': ['\\}'], langle: ['rangle'] };

const setLike = (v: Value) => v.kind === 'interval' || v.kind === 'set' || v.kind === 'union' || (v.kind === 'tuple' && v.items.length === 2);

class AnswerParser extends PrimaryParser {
  parseAnswer(): Value {
    const groups: Value[][] = [[]];
    const joins: Set<string>[] = [new Set()];
    while (!this.is('eof')) {
      if (this.is('op', ';')) {
        groups.push([]);
        joins.push(new Set());
        this.pos++;
      } else if (this.isSeparator() || this.is('op', '.')) {
        joins.at(-1)!.add(this.connective());
        this.pos++;
      } else if (this.is('cmd', 'pmod')) {
        this.pos++;
        this.parseScript();
      } else {
        groups.at(-1)!.push(this.parseItem());
        if (!this.is('eof') && !this.isSeparator() && !this.is('op', ';') && !this.is('op', '.') && !this.is('cmd', 'pmod')) {
          throw new ParseError(`unexpected ${this.peek().value}`);
        }
      }
    }
    const values = groups.map((g, i) => (g.length > 1 ? joined(g, joins[i]!) : g[0])).filter((v): v is Value => !!v);
    if (!values.length) throw new ParseError('empty answer');
    return values.length === 1 ? values[0]! : { kind: 'list', items: values };
  }

  /** Which word joins two items: `or`, `and`, or a plain separator. */
  private connective(): string {
    const t = this.peek();
    const word = t.type === 'letters' || t.type === 'text' ? t.value.trim().toLowerCase() : '';
    return word === 'or' || word === 'and' ? word : ',';
  }

  private isSeparator(): boolean {
    const t = this.peek();
    if (t.type === 'op') return t.value === ',';
    if (t.type === 'letters') return CONNECTORS.has(t.value.toLowerCase());
    if (t.type === 'cmd') return t.value === 'quad' || t.value === 'qquad';
    if (t.type === 'text') return /^\s*(?:and|or|,|;)?\s*$/i.test(t.value);
    return false;
  }

  parseItem(): Value {
    this.enter();
    const sides = [this.parseRatio()];
    const ops: RelOp[] = [];
    for (let op = this.relOp(); op; op = this.relOp()) {
      ops.push(op);
      sides.push(this.parseRatio());
    }
    this.depth--;
    return ops.length ? { kind: 'relation', ops, sides } : sides[0]!;
  }

  private relOp(): RelOp | null {
    const t = this.peek();
    const op = t.type === 'op' ? REL_OPS[t.value] : t.type === 'cmd' ? REL_CMDS[t.value] : undefined;
    if (op) this.pos++;
    return op ?? null;
  }

  /** `7:32`, `12:00`: a ratio (or a time), kept as an ordered pair of parts. */
  private parseRatio(): Value {
    const parts = [this.parseSetExpr()];
    while (!this.inSetBuilder && this.is('op', ':')) {
      this.pos++;
      parts.push(this.parseSetExpr());
    }
    return parts.length === 1 ? parts[0]! : { kind: 'tuple', items: parts, ratio: true };
  }

  private parseSetExpr(): Value {
    let v = this.parseSum();
    while (this.is('cmd', 'cup') || (this.is('letters', 'U') && setLike(v))) {
      this.pos++;
      const right = this.parseSum();
      if (!setLike(v) && v.kind !== 'expr') throw new ParseError('union of a non-set');
      const parts = (x: Value) => (x.kind === 'union' ? x.parts : [x]);
      v = { kind: 'union', parts: [...parts(v), ...parts(right)] };
    }
    return v;
  }

  parseBracket(open: string): Value {
    const closers = CLOSERS[open]!;
    const closeText = (t: { type: string; value: string }) => (t.type === 'cmd' ? (t.value === '}' ? '\\}' : t.value) : t.value);
    const items: Value[] = [];
    if (closers.includes(closeText(this.peek()))) {
      this.pos++;
      if (open === '\\{') return { kind: 'set', items: [] };
      throw new ParseError('empty brackets');
    }
    for (;;) {
      this.inSetBuilder = open === '\\{' && items.length === 0;
      items.push(this.parseItem());
      this.inSetBuilder = false;
      if (open === '\\{' && items.length === 1 && (this.is('op', '|') || this.is('cmd', 'mid') || this.is('op', ':'))) {
        this.pos++;
        // `\{x \in \mathbb{Z} \mid x > 0, x \ne 3\}`: the head's own membership and every condition must hold.
        const conditions: Value[] = items[0]!.kind === 'relation' ? [items[0]!] : [];
        conditions.push(this.parseItem());
        while (
          this.is('op', ',') ||
          this.is('cmd', 'land') ||
          this.is('cmd', 'wedge') ||
          this.is('letters', 'and') ||
          (this.is('text') && /^\s*and\s*$/i.test(this.peek().value))
        ) {
          this.pos++;
          conditions.push(this.parseItem());
        }
        this.expectCloser(['\\}'], closeText);
        return conditions.length === 1 ? conditions[0]! : { kind: 'and', parts: conditions };
      }
      if (this.is('op', ',') || this.is('op', ';')) this.pos++;
      else break;
    }
    const close = this.expectCloser(closers, closeText);
    const n = items.length;
    if (open === '\\{') return { kind: 'set', items };
    if (open === '{') return n === 1 ? items[0]! : { kind: 'list', items };
    if (open === 'langle') return { kind: 'tuple', items };
    const mixed = (open === '(') !== (close === ')');
    if (n === 1 && !mixed) return items[0]!;
    if (n === 2 && (mixed || open === '[')) {
      return { kind: 'interval', lo: this.node(items[0]!), hi: this.node(items[1]!), loClosed: open === '[', hiClosed: close === ']' };
    }
    if (mixed) throw new ParseError('mismatched brackets');
    return { kind: 'tuple', items };
  }

  private expectCloser(closers: string[], closeText: (t: { type: string; value: string }) => string): string {
    const text = closeText(this.peek());
    if (!closers.includes(text)) throw new ParseError(`expected ${closers.join(' or ')}`);
    this.pos++;
    return text;
  }

  parseMatrix(env: string): Value {
    if (env === 'array' && this.is('op', '{')) {
      while (!this.is('op', '}') && !this.is('eof')) this.pos++;
      this.pos++;
    }
    const rows: MathNode[][] = [];
    let row: MathNode[] = [];
    let cell: MathNode | null = null;
    for (;;) {
      const t = this.peek();
      if (t.type === 'eof') throw new ParseError('unterminated matrix');
      if (t.type === 'end' || (t.type === 'op' && t.value === '\\\\')) {
        this.pos++;
        if (cell) row.push(cell);
        if (row.length) rows.push(row);
        row = [];
        cell = null;
        if (t.type === 'end') break;
      } else if (t.type === 'op' && t.value === '&') {
        this.pos++;
        if (!cell) throw new ParseError('empty matrix cell');
        row.push(cell);
        cell = null;
      } else if (t.type === 'cmd' && (t.value === 'hline' || t.value === 'cline')) {
        this.pos++;
      } else {
        cell = this.node(this.parseSum());
      }
    }
    if (!rows.length || rows.some((r) => r.length !== rows[0]!.length)) throw new ParseError('ragged matrix');
    const array = this.count(new this.m.ArrayNode(rows.map((r) => this.count(new this.m.ArrayNode(r)))));
    return expr(env === 'vmatrix' ? this.call('det', [array]) : array);
  }
}

/**
 * Items of one answer: inequalities joined only by "or" are a union of solution sets, joined only by
 * "and" one set of conditions; anything else is a list of answers.
 */
function joined(items: Value[], joins: Set<string>): Value {
  if (items.every(isInequality) && joins.size === 1) {
    if (joins.has('or')) return { kind: 'list', items, either: true };
    if (joins.has('and')) return { kind: 'and', parts: items };
  }
  return { kind: 'list', items };
}

export interface ParsedAnswer {
  value: Value;
  /** Contains words that are not math, so only text comparison is safe. */
  wordy: boolean;
}

export interface ParseOptions extends CleanOptions {
  /** Longest text accepted (LIMITS.maxAnswerChars unless set); a gold may be longer, with nodes in proportion. */
  maxChars?: number;
}

export function parseAnswer(text: string, options: ParseOptions): ParsedAnswer {
  const maxChars = options.maxChars ?? LIMITS.maxAnswerChars;
  if (text.length > maxChars) throw new LimitError('answer length');
  const parser = new AnswerParser(tokenize(cleanMath(text, options)), Math.round((LIMITS.maxNodes * maxChars) / LIMITS.maxAnswerChars));
  const value = expandPlusMinus(parser.parseAnswer());
  return { value, wordy: parser.wordy };
}
