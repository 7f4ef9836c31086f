/**
 * Parses one extracted answer (LaTeX or plain) into a Value: answer lists,
 * relations, unions, brackets (tuples, intervals, sets), matrices and
 * primaries. The expression levels live in parse-expr.ts.
 */
import type { MathNode } from 'mathjs';
import { ExprParser, CONNECTORS, FUNCTIONS } from './parse-expr.ts';
import { tokenize } from './lexer.ts';
import { cleanMath, type CleanOptions } from './clean-math.ts';
import { LIMITS, LimitError, ParseError } from './limits.ts';
import { expandPlusMinus } from './plus-minus.ts';
import { expr, type RelOp, type Value } from './value.ts';

const REL_CMDS: Record<string, RelOp> = { le: '<=', leq: '<=', leqslant: '<=', ge: '>=', geq: '>=', geqslant: '>=', ne: '!=', neq: '!=', lt: '<', gt: '>', in: 'in', approx: 'approx', simeq: 'approx', equiv: '=' };
const REL_OPS: Record<string, RelOp> = { '=': '=', '<': '<', '>': '>', '<=': '<=', '>=': '>=', '!=': '!=' };
const CLOSERS: Record<string, string[]> = { '(': [')', ']'], '[': [']', ')'], '{': ['}'], '\\{': ['\\}'], langle: ['rangle'] };

const setLike = (v: Value) => v.kind === 'interval' || v.kind === 'set' || v.kind === 'union' || (v.kind === 'tuple' && v.items.length === 2);

class AnswerParser extends ExprParser {
  /** Inside the head of `\{x : ...\}`, where `:` is not a ratio. */
  private inSetBuilder = false;

  parseAnswer(): Value {
    const groups: Value[][] = [[]];
    while (!this.is('eof')) {
      if (this.is('op', ';')) {
        groups.push([]);
        this.pos++;
      } else if (this.isSeparator() || this.is('op', '.')) {
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
    const values = groups.filter((g) => g.length).map((g): Value => (g.length === 1 ? g[0]! : { kind: 'list', items: g }));
    if (!values.length) throw new ParseError('empty answer');
    return values.length === 1 ? values[0]! : { kind: 'list', items: values };
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
        const condition = this.parseItem();
        this.expectCloser(['\\}'], closeText);
        return condition;
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

  protected parsePrimary(): Value {
    this.enter();
    const t = this.next();
    let v: Value;
    if (t.type === 'num') v = expr(this.num(t.value));
    else if (t.type === 'letters') v = this.letters(t.value);
    else if (t.type === 'cmd') v = this.command(t.value);
    else if (t.type === 'begin') v = this.parseMatrix(t.value);
    else if (t.type === 'op' && (t.value === '(' || t.value === '[' || t.value === '{')) v = this.parseBracket(t.value);
    else if (t.type === 'op' && t.value === '|') v = this.abs('|');
    else throw new ParseError(t.type === 'eof' ? 'unexpected end' : `unexpected ${t.value}`);
    this.depth--;
    return v;
  }

  private abs(close: string): Value {
    this.absDepth++;
    const inner = this.node(this.parseSum());
    this.absDepth--;
    if (!(this.is('op', close) || this.is('cmd', close) || this.is('cmd', 'rvert') || this.is('cmd', 'vert'))) throw new ParseError('unclosed |');
    this.pos++;
    return expr(this.call('abs', [inner]));
  }

  private letters(word: string): Value {
    const lower = word.toLowerCase();
    if (FUNCTIONS.has(lower)) return this.parseFunction(lower);
    if (lower === 'pi') return this.greekOrSymbol('pi');
    if (['inf', 'infty', 'infinity', 'oo'].includes(lower)) return this.greekOrSymbol('infty');
    const fn = [...FUNCTIONS].find((f) => f.length > 1 && lower.startsWith(f) && lower.length > f.length);
    const head = fn ?? word[0]!;
    if (word.length > head.length) {
      if (word.length >= 3 && !fn && /[a-z]/.test(word)) this.wordy = true;
      this.toks.splice(this.pos, 0, { type: 'letters', value: word.slice(head.length), space: false });
    }
    if (fn) return this.parseFunction(fn);
    if (word.length === 1 && /[fghFGHPQW]/.test(head) && this.is('op', '(') && !this.peek().space) {
      this.pos++;
      const args = this.parseBracket('(');
      return expr(this.call(head, args.kind === 'tuple' ? args.items.map((a) => this.node(a)) : [this.node(args)]));
    }
    return expr(this.sym(head));
  }

  private command(name: string): Value {
    switch (name) {
      case 'frac':
        return expr(this.op('divide', [this.parseArg(), this.parseArg()]));
      case 'sqrt': {
        if (!this.is('op', '[')) return expr(this.call('sqrt', [this.parseArg()]));
        this.pos++;
        const index = this.node(this.parseSum());
        this.expect('op', ']');
        return expr(this.call('nthRoot', [this.parseArg(), index]));
      }
      case 'binom':
        return expr(this.call('combinations', [this.parseArg(), this.parseArg()]));
      case '{':
        return this.parseBracket('\\{');
      case 'langle':
        return this.parseBracket('langle');
      case 'lfloor':
      case 'lceil': {
        const inner = this.node(this.parseSum());
        this.expect('cmd', name === 'lfloor' ? 'rfloor' : 'rceil');
        return expr(this.call(name.slice(1), [inner]));
      }
      case 'lvert':
      case 'vert':
        return this.abs(name === 'lvert' ? 'rvert' : 'vert');
      case 'boxed':
      case 'fbox': {
        this.expect('op', '{');
        const v = this.parseItem();
        this.expect('op', '}');
        return v;
      }
      case 'overline':
      case 'vec':
      case 'overrightarrow':
      case 'hat':
      case 'bar':
      case 'widehat':
      case 'tilde':
      case 'underline':
        return expr(this.parseArg());
      case 'mathbb': {
        const arg = this.parseArg();
        if (!this.m.isSymbolNode(arg) || arg.name !== 'R') return expr(arg);
        const inf = () => this.count(new this.m.ConstantNode(Infinity));
        return { kind: 'interval', lo: this.op('unaryMinus', [inf()]), hi: inf(), loClosed: false, hiClosed: false };
      }
      case 'emptyset':
      case 'varnothing':
        return { kind: 'set', items: [] };
      case 'sum':
      case 'prod':
        return this.bigOperator(name);
      default:
        if (FUNCTIONS.has(name) || ['arcsin', 'arccos', 'arctan'].includes(name)) return this.parseFunction(name);
        return this.greekOrSymbol(name);
    }
  }

  /** `\sum_{k=a}^{b} body`: evaluated by the engine as a bounded loop. */
  private bigOperator(name: string): Value {
    this.expect('op', '_');
    this.expect('op', '{');
    const bound = this.parseItem();
    this.expect('op', '}');
    if (bound.kind !== 'relation' || bound.ops[0] !== '=' || bound.sides.length !== 2) throw new ParseError('bad index');
    const index = this.node(bound.sides[0]!);
    if (!this.m.isSymbolNode(index)) throw new ParseError('bad index');
    this.expect('op', '^');
    const hi = this.parseScript();
    let body = this.node(this.parsePower());
    while (this.startsOperand()) body = this.op('multiply', [body, this.node(this.parsePower())]);
    return expr(this.call(name, [body, index, this.node(bound.sides[1]!), hi]));
  }
}

export interface ParsedAnswer {
  value: Value;
  /** Contains words that are not math, so only text comparison is safe. */
  wordy: boolean;
}

export function parseAnswer(text: string, options: CleanOptions): ParsedAnswer {
  if (text.length > LIMITS.maxAnswerChars) throw new LimitError('answer length');
  const parser = new AnswerParser(tokenize(cleanMath(text, options)));
  const value = expandPlusMinus(parser.parseAnswer());
  return { value, wordy: parser.wordy };
}
