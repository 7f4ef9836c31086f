/**
 * The expression levels of the answer parser: sums, products (with implicit
 * multiplication), powers, postfix operators and primaries, built straight
 * into mathjs node trees. Structures (brackets, lists, relations) are the
 * subclass's; see parse-answer.ts.
 */
import type { MathNode } from 'mathjs';
import { getMath } from './mathjs.ts';
import { LIMITS, LimitError, ParseError } from './limits.ts';
import { parseDecimal } from './rational.ts';
import { DECIMALS, EXACT, expr, TRIG, type Value } from './value.ts';
import type { Token } from './lexer.ts';
import { freeVariables } from './numeric.ts';

export const FUNCTIONS = new Set([
  'sin',
  'cos',
  'tan',
  'sec',
  'csc',
  'cot',
  'arcsin',
  'arccos',
  'arctan',
  'sinh',
  'cosh',
  'tanh',
  'log',
  'ln',
  'exp',
  'lg',
  'sqrt',
  'abs',
  'floor',
  'ceil',
  'det',
  'gcd',
  'lcm',
  'max',
  'min',
]);
/** Words that end a number as a unit of measure (`35 cm`, `125 miles`); no single letters, which are variables. */
const UNITS = new Set([
  'cm',
  'mm',
  'km',
  'meters',
  'meter',
  'metres',
  'metre',
  'centimeters',
  'centimetres',
  'millimeters',
  'kilometers',
  'kilometres',
  'kg',
  'grams',
  'gram',
  'kilograms',
  'mg',
  'ml',
  'liters',
  'litres',
  'liter',
  'litre',
  'gallons',
  'gallon',
  'sec',
  'secs',
  'seconds',
  'second',
  'min',
  'mins',
  'minutes',
  'minute',
  'hr',
  'hrs',
  'hours',
  'hour',
  'days',
  'day',
  'weeks',
  'week',
  'months',
  'month',
  'years',
  'year',
  'yr',
  'yrs',
  'miles',
  'mile',
  'mph',
  'kph',
  'kmh',
  'ft',
  'feet',
  'foot',
  'inches',
  'inch',
  'yards',
  'yard',
  'yd',
  'units',
  'unit',
  'sq',
  'square',
  'cubic',
  'dollars',
  'dollar',
  'cents',
  'cent',
  'yuan',
  'euros',
  'euro',
  'usd',
  'radians',
  'radian',
  'rad',
  'people',
  'students',
  'ways',
  'times',
  'points',
  'cups',
  'pounds',
  'lbs',
  'lb',
  'oz',
  'ounces',
]);
/** Words after a number that scale it (`5 million`) or raise it (`5 squared`): never units. */
const MULTIPLIERS: Record<string, number> = { hundred: 100, thousand: 1e3, million: 1e6, billion: 1e9, trillion: 1e12, dozen: 12 };
const POWERS: Record<string, number> = { squared: 2, cubed: 3 };
/** Words that make a "unit" a range or a hedge (`5 \text{ or more}`): the answer is then no number. */
const HEDGE =
  /\b(?:or|and|more|less|than|least|most|about|approx\w*|roughly|around|nearly|almost|over|under|above|below|not|maybe|between|to|plus|minus|times)\b/i;
/** Functions of several arguments. */
const MULTI_ARG = new Set(['max', 'min', 'gcd', 'lcm']);
/** Unit words that make the number an angle in degrees. */
const DEGREE_WORDS = new Set(['degrees', 'degree', 'deg']);
const PERCENT_WORDS = new Set(['percent', 'pct', 'percentage']);
export const CONNECTORS = new Set(['and', 'or']);
/** Commands that are operators or separators, never the start of an operand. */
const NOT_OPERAND = new Set([
  'degree',
  'cdot',
  'times',
  'div',
  'ast',
  'pm',
  'mp',
  'cup',
  'cap',
  'setminus',
  'le',
  'leq',
  'leqslant',
  'ge',
  'geq',
  'geqslant',
  'ne',
  'neq',
  'lt',
  'gt',
  'in',
  'notin',
  'approx',
  'equiv',
  'quad',
  'qquad',
  'mid',
  'rangle',
  'rfloor',
  'rceil',
  'rvert',
  '}',
  'to',
  'implies',
  'Rightarrow',
  'iff',
  'pmod',
  'bmod',
  'mod',
  'dots',
  'ldots',
  'cdots',
]);

export abstract class ExprParser {
  protected pos = 0;
  protected depth = 0;
  protected nodes = 0;
  protected absDepth = 0;
  /** Inside the head of `\{x : ...\}` / `\{x | ...\}`, where `:` is no ratio and `|` no absolute value. */
  protected inSetBuilder = false;
  /** A word of 3+ letters that is no function, unit or constant: the answer is text-like. */
  wordy = false;
  readonly m = getMath().math;

  constructor(
    protected toks: Token[],
    private maxNodes: number = LIMITS.maxNodes,
  ) {}

  abstract parseItem(): Value;
  abstract parseBracket(open: string): Value;
  abstract parseMatrix(env: string): Value;

  protected peek(k = 0): Token {
    return this.toks[Math.min(this.pos + k, this.toks.length - 1)]!;
  }
  protected next(): Token {
    return this.toks[this.pos++] ?? this.toks[this.toks.length - 1]!;
  }
  protected is(type: Token['type'], value?: string, k = 0): boolean {
    const t = this.peek(k);
    return t.type === type && (value === undefined || t.value === value);
  }
  protected expect(type: Token['type'], value: string): void {
    if (!this.is(type, value)) throw new ParseError(`expected ${value}`);
    this.pos++;
  }
  protected enter(): void {
    if (++this.depth > LIMITS.maxDepth) throw new LimitError('nesting');
  }

  // Node builders, counted against the size limit.
  protected count<T>(n: T): T {
    if (++this.nodes > this.maxNodes) throw new LimitError('expression size');
    return n;
  }
  num(text: string): MathNode {
    const { value, decimal, sig, place } = parseDecimal(text);
    const node = this.count(new this.m.ConstantNode(Number(value.n) / Number(value.d)));
    EXACT.set(node, value);
    if (decimal) DECIMALS.set(node, { sig, place });
    return node;
  }
  int(n: number): MathNode {
    return this.num(String(n));
  }
  op(fn: string, args: MathNode[]): MathNode {
    const sym: Record<string, string> = { add: '+', subtract: '-', multiply: '*', divide: '/', pow: '^', unaryMinus: '-', factorial: '!' };
    return this.count(new this.m.OperatorNode(sym[fn] as '+', fn as 'add', args));
  }
  call(name: string, args: MathNode[]): MathNode {
    return this.count(new this.m.FunctionNode(new this.m.SymbolNode(name), args));
  }
  sym(name: string): MathNode {
    return this.count(new this.m.SymbolNode(name));
  }
  protected node(v: Value): MathNode {
    if (v.kind !== 'expr') throw new ParseError(`a ${v.kind} cannot take part in arithmetic`);
    return v.node;
  }

  parseSum(): Value {
    this.enter();
    let left = this.parseTerm();
    for (;;) {
      const t = this.peek();
      const sign = t.type === 'op' && (t.value === '+' || t.value === '-') ? t.value : t.type === 'cmd' && (t.value === 'pm' || t.value === 'mp') ? 'pm' : null;
      if (!sign) break;
      this.pos++;
      const right = this.node(this.parseTerm());
      const l = this.node(left);
      left = expr(sign === '+' ? this.op('add', [l, right]) : sign === '-' ? this.op('subtract', [l, right]) : this.call('pm', [l, right]));
    }
    this.depth--;
    return left;
  }

  protected parseTerm(): Value {
    let left = this.parseUnary();
    for (;;) {
      const t = this.peek();
      if ((t.type === 'op' && t.value === '*') || (t.type === 'cmd' && ['cdot', 'times', 'ast'].includes(t.value))) {
        this.pos++;
        left = expr(this.op('multiply', [this.node(left), this.node(this.parseUnary())]));
      } else if ((t.type === 'op' && t.value === '/') || (t.type === 'cmd' && t.value === 'div')) {
        this.pos++;
        left = expr(this.op('divide', [this.node(left), this.node(this.parseUnary())]));
      } else if (left.kind === 'expr' && t.type === 'letters' && DEGREE_WORDS.has(t.value.toLowerCase()) && freeVariables(left.node).vars.size === 0) {
        this.pos++;
        left = expr(this.call('degree', [left.node]));
      } else if (left.kind === 'expr' && this.scaleWord() !== null && freeVariables(left.node).vars.size === 0) {
        const word = this.next().value.trim().toLowerCase();
        left = expr(word in POWERS ? this.op('pow', [left.node, this.int(POWERS[word]!)]) : this.op('multiply', [left.node, this.int(MULTIPLIERS[word]!)]));
      } else if (left.kind === 'expr' && this.skipUnit(left.node)) {
        continue;
      } else if (left.kind === 'expr' && (t.type === 'letters' || t.type === 'text') && PERCENT_WORDS.has(t.value.trim().toLowerCase())) {
        this.pos++;
        left = expr(this.call('percent', [left.node]));
      } else if (t.type === 'num' && t.space && this.toks[this.pos - 1]?.type === 'num') {
        // `11 6/6`, `1 2`: two numbers side by side are no product (a mixed number was read before this).
        throw new ParseError('two numbers side by side');
      } else if (this.startsOperand()) {
        left = expr(this.op('multiply', [this.node(left), this.node(this.parsePower())]));
      } else break;
    }
    return left;
  }

  /** A multiplier or power word next (`million`, `\text{ squared}`), else null. */
  private scaleWord(): string | null {
    const t = this.peek();
    if (t.type !== 'letters' && t.type !== 'text') return null;
    const word = t.value.trim().toLowerCase();
    return word in MULTIPLIERS || word in POWERS ? word : null;
  }

  /** Skips a unit: `\text{ cm}^2` after anything, a unit word (`miles`, `km/h`) only after a number (`b h` is a product). */
  private skipUnit(left: MathNode): boolean {
    const t = this.peek();
    const unitWord = t.type === 'letters' && UNITS.has(t.value.toLowerCase()) && !this.is('op', '(', 1) && freeVariables(left).vars.size === 0;
    const textUnit =
      t.type === 'text' &&
      /^[\sa-zA-Z./]*$/.test(t.value) &&
      !CONNECTORS.has(t.value.trim().toLowerCase()) &&
      !PERCENT_WORDS.has(t.value.trim().toLowerCase()) &&
      !HEDGE.test(t.value);
    if (!unitWord && !textUnit) return false;
    this.pos++;
    if (this.is('op', '^')) {
      this.pos++;
      this.next();
    }
    // `km/h`, `m/s`: a second unit word after a slash is part of the unit.
    if (unitWord && this.is('op', '/') && this.peek(1).type === 'letters' && (UNITS.has(this.peek(1).value.toLowerCase()) || /^[hs]$/.test(this.peek(1).value)))
      this.pos += 2;
    return true;
  }

  protected startsOperand(): boolean {
    const t = this.peek();
    switch (t.type) {
      case 'num':
      case 'begin':
        return true;
      case 'letters':
        return !CONNECTORS.has(t.value.toLowerCase()) && t.value !== 'U' && !['mod', 'pmod'].includes(t.value);
      case 'cmd':
        return !NOT_OPERAND.has(t.value);
      case 'op':
        return t.value === '(' || t.value === '{' || (t.value === '|' && this.absDepth === 0 && !this.inSetBuilder);
      default:
        return false;
    }
  }

  protected parseUnary(): Value {
    const t = this.peek();
    if (t.type === 'op' && t.value === '-') {
      this.pos++;
      return expr(this.op('unaryMinus', [this.node(this.parseUnary())]));
    }
    if (t.type === 'op' && t.value === '+') {
      this.pos++;
      return this.parseUnary();
    }
    if (t.type === 'cmd' && (t.value === 'pm' || t.value === 'mp')) {
      this.pos++;
      return expr(this.call('pm', [this.node(this.parseUnary())]));
    }
    return this.parsePower();
  }

  protected parsePower(): Value {
    this.enter();
    let base = this.parsePostfix(this.parsePrimary());
    if (this.is('op', '^')) {
      this.pos++;
      const exponent = this.parseScript();
      base = this.parsePostfix(expr(this.op('pow', [this.node(base), exponent])));
    }
    this.depth--;
    return base;
  }

  /** The argument of `^` or `_`: a brace group, or one atom (`x^2`, `x^-1`, `x^n`). */
  protected parseScript(): MathNode {
    if (this.is('op', '{')) {
      this.pos++;
      const v = this.parseItem();
      this.expect('op', '}');
      return this.node(v);
    }
    if (this.is('op', '-') || this.is('op', '+')) return this.node(this.parseUnary());
    return this.node(this.parseAtom());
  }

  /** One TeX atom: a single letter or digit of a run, or one primary. */
  protected parseAtom(): Value {
    const t = this.peek();
    if (t.type === 'letters' && t.value.length > 1 && !FUNCTIONS.has(t.value)) {
      this.toks.splice(this.pos + 1, 0, { type: 'letters', value: t.value.slice(1), space: false });
      this.toks[this.pos] = { ...t, value: t.value[0]! };
    }
    return this.parsePrimary();
  }

  /** A macro argument: a brace group, or a single digit/letter/command (`\frac12`, `\sqrt3`). */
  protected parseArg(): MathNode {
    const t = this.peek();
    if (t.type === 'num' && t.value.length > 1 && !t.value.includes('.')) {
      this.toks.splice(this.pos + 1, 0, { type: 'num', value: t.value.slice(1), space: false });
      this.toks[this.pos] = { ...t, value: t.value[0]! };
    }
    return this.parseScript();
  }

  protected parsePostfix(v: Value): Value {
    for (;;) {
      const t = this.peek();
      if (t.type === 'op' && t.value === '!') {
        this.pos++;
        v = expr(this.op('factorial', [this.node(v)]));
      } else if (t.type === 'op' && t.value === '%') {
        this.pos++;
        v = expr(this.call('percent', [this.node(v)]));
      } else if (t.type === 'cmd' && t.value === 'degree') {
        this.pos++;
        v = expr(this.call('degree', [this.node(v)]));
      } else if (t.type === 'op' && t.value === "'") {
        this.pos++;
        const n = this.node(v);
        if (!this.m.isSymbolNode(n)) throw new ParseError('prime on a non-symbol');
        v = expr(this.sym(`${n.name}'`));
      } else if (t.type === 'op' && t.value === '_') {
        this.pos++;
        v = expr(this.subscript(this.node(v)));
      } else return v;
    }
  }

  /** `x_1` names a symbol; `F_{n-1}` indexes a family; `204_5` is a number in base 5. */
  private subscript(base: MathNode): MathNode {
    const sub = this.parseScript();
    const exact = EXACT.get(base);
    if (exact && this.m.isConstantNode(sub)) {
      const radix = sub.value as number;
      const digits = String(exact.n);
      if (!Number.isInteger(radix) || radix < 2 || radix > 36 || exact.d !== 1n) throw new ParseError('bad base');
      const value = [...digits].reduce((acc, d) => {
        const k = parseInt(d, 36);
        if (k >= radix) throw new ParseError('digit out of base');
        return acc * BigInt(radix) + BigInt(k);
      }, 0n);
      return this.num(String(value));
    }
    if (!this.m.isSymbolNode(base)) throw new ParseError('subscript on a non-symbol');
    if (this.m.isConstantNode(sub) || this.m.isSymbolNode(sub))
      return this.sym(`${base.name}_${this.m.isConstantNode(sub) ? String(sub.value) : (sub as { name: string }).name}`);
    return this.call(`${base.name}_`, [sub]);
  }

  protected abstract parsePrimary(): Value;

  /** `\sin^2 x`, `\log_2 8`, `\sin(x)`, `\sin b \cos a`. */
  protected parseFunction(name: string): Value {
    let power: MathNode | undefined;
    let base: MathNode | undefined;
    for (;;) {
      if (this.is('op', '^')) {
        this.pos++;
        power = this.parseScript();
      } else if (this.is('op', '_')) {
        this.pos++;
        base = this.parseScript();
      } else break;
    }
    let arg: MathNode;
    if (this.is('op', '(')) {
      this.pos++;
      const inner = this.parseBracket('(');
      // `\max(a, b)`, `\gcd(12, 18)`: several arguments.
      if (inner.kind === 'tuple' && MULTI_ARG.has(name))
        return expr(
          this.call(
            name,
            inner.items.map((i) => this.node(i)),
          ),
        );
      arg = this.node(inner);
    } else {
      arg = this.node(this.parsePower());
      while (this.startsOperand() && !(this.peek().type === 'cmd' && FUNCTIONS.has(this.peek().value))) {
        arg = this.op('multiply', [arg, this.node(this.parsePower())]);
      }
    }
    const inverse = power && this.m.isOperatorNode(power) && power.fn === 'unaryMinus' && EXACT.get(power.args[0]!)?.n === 1n;
    const fname = inverse ? `a${name}` : name === 'ln' ? 'log' : name === 'lg' ? 'log10' : name;
    if (TRIG.has(fname)) arg = this.radians(arg);
    let node = base ? this.op('divide', [this.call('log', [arg]), this.call('log', [base])]) : this.call(fname, [arg]);
    if (power && !inverse) node = this.op('pow', [node, power]);
    return expr(node);
  }

  /** `30^\circ` inside a trigonometric argument is π/6. */
  private radians(arg: MathNode): MathNode {
    const { m } = this;
    return arg.transform((n) => {
      if (!m.isFunctionNode(n) || n.fn.name !== 'degree') return n;
      return this.op('multiply', [n.args[0]!, this.op('divide', [this.sym('pi'), this.int(180)])]);
    });
  }

  /** π and ∞ are constants; any other name (a Greek letter, a variable) is a symbol. */
  protected symbolOrConstant(name: string): Value {
    if (name === 'pi') return expr(this.sym('pi'));
    if (name === 'infty' || name === 'infin') return expr(this.count(new this.m.ConstantNode(Infinity)));
    return expr(this.sym(name));
  }
}
