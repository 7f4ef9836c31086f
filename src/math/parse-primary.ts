/**
 * The primaries of the answer parser: numbers, letters (names, functions,
 * glued words), LaTeX commands (`\frac`, `\sqrt[n]`, `\binom`, `\sum`,
 * `\mathbb{R}`, ...), absolute values and brackets. Lists, relations and
 * brackets' contents are the subclass's (parse-answer.ts).
 */
import { ExprParser, FUNCTIONS } from './parse-expr.ts';
import { ParseError } from './limits.ts';
import { expr, type Value } from './value.ts';

export abstract class PrimaryParser extends ExprParser {
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
    if (lower === 'pi') return this.symbolOrConstant('pi');
    if (['inf', 'infty', 'infinity', 'oo'].includes(lower)) return this.symbolOrConstant('infty');
    const fn = [...FUNCTIONS].find((f) => f.length > 1 && lower.startsWith(f) && lower.length > f.length);
    const head = fn ?? word[0]!;
    if (word.length > head.length) {
      if (word.length >= 3 && !fn && /[a-z]/.test(word)) this.wordy = true;
      this.toks.splice(this.pos, 0, { type: 'letters', value: word.slice(head.length), space: false });
    }
    if (fn) return this.parseFunction(fn);
    let name = head;
    // Primes belong to the name: `f'(x)`, `y''`.
    while (word.length === 1 && this.is('op', "'")) {
      this.pos++;
      name += "'";
    }
    if (word.length === 1 && (/[fghFGHPQW]/.test(head) || name !== head) && this.is('op', '(') && !this.peek().space) {
      this.pos++;
      const args = this.parseBracket('(');
      return expr(this.call(name, args.kind === 'tuple' ? args.items.map((a) => this.node(a)) : [this.node(args)]));
    }
    return expr(this.sym(name));
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
      case 'dots':
      case 'ldots':
      case 'cdots':
      case 'dotsb':
      case 'dotsc':
        // `1 + 2 + \cdots + N` has no value of its own: not a symbol named cdots.
        throw new ParseError('an ellipsis');
      default:
        if (FUNCTIONS.has(name) || ['arcsin', 'arccos', 'arctan'].includes(name)) return this.parseFunction(name);
        return this.symbolOrConstant(name);
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
