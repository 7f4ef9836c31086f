/*
 * The guest side of a JavaScript run, evaluated in each fresh context before
 * any program code: a function the host calls with its settings, returning the
 * one dispatch function the host keeps a Reference to (js-harness.ts loads this
 * file). It runs inside the isolate, never in Node.
 *
 * It first removes what no rule needs and what would let a program outlive its
 * call, crash the isolate or allocate outside its memory limit, then captures
 * the intrinsics it uses (a program that replaces JSON or Reflect later cannot
 * reach the harness) and installs console, process, require('fs'|'readline')
 * shims that capture output inside the isolate. Only strings cross to the
 * host, as length-prefixed fields (`<length>:<text>`), so program output cannot
 * forge the framing.
 *
 * Assert-style tests run in a second context of the same isolate: its harness
 * binds each name the test code uses that the program defines to a stand-in
 * that calls the program's function through this context's dispatch, with
 * arguments and results as encoded plain values (strings, never an object of
 * the program's realm), so the program cannot reach the test code's realm.
 */
(function harness(settings) {
  'use strict';
  const G = globalThis;
  // FinalizationRegistry cleanups, Atomics.waitAsync and async WebAssembly compiles run after a call
  // returns, outside any time limit; Atomics.waitAsync with a timeout aborts the process; WebAssembly
  // memory and Intl's native objects are allocated outside the isolate's memory limit.
  for (const name of ['WebAssembly', 'Atomics', 'SharedArrayBuffer', 'FinalizationRegistry', 'WeakRef', 'Intl']) delete G[name];

  const parse = JSON.parse,
    stringify = JSON.stringify,
    now = Date.now,
    geval = eval,
    apply = Reflect.apply,
    construct = Reflect.construct;
  const finite = Number.isFinite;
  const Str = String,
    isArray = Array.isArray,
    keys = Object.keys,
    create = Object.create,
    getPrototypeOf = Object.getPrototypeOf;
  const setPrototypeOf = Object.setPrototypeOf,
    defineProperty = Object.defineProperty,
    ObjectPrototype = Object.prototype;
  const hasOwn = (o, k) => apply(ObjectPrototype.hasOwnProperty, o, [k]);
  const PromiseCtor = Promise,
    promiseResolve = Promise.resolve,
    promiseThen = Promise.prototype.then;
  const ErrorCtor = Error,
    errorTypes = { Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError };
  const identifier = /[A-Za-z_$][\w$]*/g,
    regexpExec = RegExp.prototype.exec;

  // A resizable ArrayBuffer grows outside the memory limit: every ArrayBuffer is made at a fixed length.
  const FixedArrayBuffer = ArrayBuffer;
  function ArrayBufferOfFixedLength(length) {
    if (new.target === undefined) throw new TypeError("Constructor ArrayBuffer requires 'new'");
    const buffer = construct(FixedArrayBuffer, [+length || 0]);
    if (new.target !== ArrayBufferOfFixedLength) setPrototypeOf(buffer, new.target.prototype);
    return buffer;
  }
  defineProperty(ArrayBufferOfFixedLength, 'name', { value: 'ArrayBuffer' });
  ArrayBufferOfFixedLength.prototype = FixedArrayBuffer.prototype;
  ArrayBufferOfFixedLength.isView = FixedArrayBuffer.isView;
  defineProperty(FixedArrayBuffer.prototype, 'constructor', { value: ArrayBufferOfFixedLength, writable: true, configurable: true });
  defineProperty(G, 'ArrayBuffer', { value: ArrayBufferOfFixedLength, writable: true, configurable: true });

  const CAP = settings.outputBytes;
  const MAX_DEPTH = 500; // nesting of a value passed between the program and the tests
  let out = '',
    err = '',
    used = 0,
    overflow = false,
    input = '',
    exitCode = -1;
  const handlers = { line: [], close: [], data: [], end: [] };
  const results = create(null);
  let done = 0;

  function emit(toErr, text) {
    if (overflow) return;
    if (used + text.length > CAP) {
      overflow = true;
      text = text.slice(0, CAP - used);
    }
    used += text.length;
    if (toErr) err += text;
    else out += text;
  }
  function show(v, nested) {
    if (typeof v === 'string') return nested ? "'" + v + "'" : v;
    if (v === null || typeof v !== 'object') return typeof v === 'number' && v === 0 && 1 / v < 0 ? '-0' : Str(v);
    if (isArray(v)) return v.length === 0 ? '[]' : '[ ' + v.map((x) => show(x, true)).join(', ') + ' ]';
    const ks = keys(v);
    return ks.length === 0 ? '{}' : '{ ' + ks.map((k) => k + ': ' + show(v[k], true)).join(', ') + ' }';
  }
  function format(args) {
    let s = '';
    for (let i = 0; i < args.length; i++) s += (i ? ' ' : '') + show(args[i], false);
    return s + '\n';
  }
  const log = (...a) => emit(false, format(a));
  const logErr = (...a) => emit(true, format(a));
  G.console = {
    log,
    info: log,
    debug: log,
    warn: logErr,
    error: logErr,
    trace: logErr,
    assert: (c, ...a) => {
      if (!c) logErr('Assertion failed', ...a);
    },
  };
  const on = (self, map) => (ev, cb) => {
    if (map[ev]) map[ev].push(cb);
    return self;
  };
  const lines = () => {
    const ls = input.replace(/\r\n/g, '\n').split('\n');
    if (ls[ls.length - 1] === '') ls.pop();
    return ls;
  };
  const stdin = { fd: 0, setEncoding() {}, resume() {}, pause() {} };
  stdin.on = on(stdin, { data: handlers.data, end: handlers.end });
  function createInterface() {
    const rl = { close() {}, pause() {}, resume() {}, setPrompt() {}, prompt() {} };
    rl.on = on(rl, { line: handlers.line, close: handlers.close });
    rl[Symbol.asyncIterator] = () => {
      const ls = lines();
      let i = 0;
      return { next: () => Promise.resolve(i < ls.length ? { value: ls[i++], done: false } : { value: undefined, done: true }) };
    };
    return rl;
  }
  function exit(code) {
    exitCode = code === undefined ? 0 : Number(code) | 0;
    throw new Error('process.exit(' + exitCode + ')');
  }
  G.process = {
    stdin,
    argv: ['node', 'main.js'],
    env: {},
    platform: 'linux',
    exit,
    stdout: { write: (s) => (emit(false, Str(s)), true) },
    stderr: { write: (s) => (emit(true, Str(s)), true) },
  };
  const modules = {
    fs: {
      readFileSync(p) {
        if (p === 0 || p === '/dev/stdin') return input;
        throw new Error('ENOENT: no such file or directory, open ' + Str(p));
      },
    },
    readline: { createInterface },
  };
  G.require = (name) => {
    const m = modules[Str(name).replace(/^node:/, '')];
    if (!m) throw new Error("Cannot find module '" + Str(name) + "'");
    return m;
  };
  G.module = { exports: {} };
  G.exports = G.module.exports;

  const field = (s) => s.length + ':' + s;
  const describe = (e) => {
    try {
      return e instanceof Error ? Str(e.name) + ': ' + Str(e.message) : 'thrown: ' + Str(e);
    } catch (_) {
      return 'thrown value';
    }
  };
  // Evaluated after the program, so its top-level const and let bindings are in scope.
  const lookup = (name) => '(typeof ' + name + " === 'function' ? " + name + ' : undefined)';

  // --- call-style tests: the program's function, called in this context ---

  function record(i, status, t0, value, message) {
    results[i] = field(status) + field('' + (now() - t0)) + field(value === undefined ? '' : value) + field(out) + field(err + message);
  }
  let fn,
    loaded = false;
  function load(source, name) {
    done = -1;
    fn = geval(source + '\n;' + lookup(name));
    if (typeof fn !== 'function') {
      const m = G.module && G.module.exports;
      fn = m && typeof m[name] === 'function' ? m[name] : typeof m === 'function' ? m : undefined;
    }
    loaded = true;
  }
  function runAll(name, argsJson, from, to, source) {
    if (!loaded) {
      try {
        load(source, name);
      } catch (e) {
        return field(overflow ? 'output_limit' : 'runtime_error') + field(describe(e));
      }
    }
    const list = parse(argsJson);
    let pending = false;
    for (let i = from; i < to; i++) {
      done = i;
      out = '';
      err = '';
      used = 0;
      overflow = false; // each test has its own output cap
      const t0 = now();
      if (!fn) {
        record(i, 'runtime_error', t0, undefined, name + ' is not defined as a function');
        continue;
      }
      try {
        const v = apply(fn, undefined, list[i]);
        if (v !== null && (typeof v === 'object' || typeof v === 'function') && typeof v.then === 'function') {
          results[i] = 'pending';
          pending = true;
          // The harness's own then: a program that patches Promise.prototype.then settles nothing else.
          const settled = (record) => (x) => {
            if (results[i] === 'pending') record(x);
          };
          apply(promiseThen, apply(promiseResolve, PromiseCtor, [v]), [
            settled((x) => settle(i, t0, x)),
            settled((e) => record(i, 'runtime_error', t0, undefined, describe(e))),
          ]);
        } else settle(i, t0, v);
      } catch (e) {
        record(i, overflow ? 'output_limit' : 'runtime_error', t0, undefined, describe(e));
      }
    }
    done = to;
    // Without a promise to wait for, the results go back with this call: the host saves a call to collect.
    return pending ? '' : 'C' + collect(from, to);
  }
  // JSON writes NaN and Infinity as null: a function that returned one did not return null.
  const NON_FINITE = {};
  function nonFinite(v) {
    try {
      stringify(v, (k, x) => {
        if (typeof x === 'number' && !finite(x)) throw NON_FINITE;
        return x;
      });
      return false;
    } catch (e) {
      return e === NON_FINITE;
    }
  }
  function settle(i, t0, v) {
    let json;
    try {
      json = stringify(v);
    } catch (e) {
      return record(i, 'runtime_error', t0, undefined, 'return value is not JSON: ' + describe(e));
    }
    if (json === undefined) return record(i, 'runtime_error', t0, undefined, 'returned undefined');
    if (json.indexOf('null') >= 0 && nonFinite(v))
      return record(i, 'runtime_error', t0, undefined, 'return value holds NaN or Infinity, which JSON cannot carry');
    // The return value is output too: it is bounded like stdout.
    if (json.length > CAP) return record(i, 'output_limit', t0, undefined, 'return value is ' + json.length + ' characters; the output limit is ' + CAP);
    record(i, overflow ? 'output_limit' : 'ok', t0, json, '');
  }
  function collect(from, to) {
    let s = field('' + done);
    for (let i = from; i < to; i++) {
      const r = results[i];
      s += r === undefined ? '' : r === 'pending' ? field('timeout') + field('0') + field('') + field('') + field('promise never settled') : r;
    }
    return s;
  }

  // --- stdin/stdout and assert-style tests ---

  function drain() {
    for (const h of handlers.data) h(input);
    for (const h of handlers.end) h();
    if (handlers.line.length > 0 || handlers.close.length > 0) {
      for (const l of lines()) for (const h of handlers.line) h(l);
      for (const h of handlers.close) h();
    }
    return '';
  }
  function report() {
    return field('' + exitCode) + field(overflow ? '1' : '0') + field(out) + field(err);
  }

  /**
   * A value as JSON-ready data: arrays as arrays, plain objects and what JSON cannot hold tagged
   * (undefined, NaN, infinities, -0, bigints). Anything else (a function, a class instance, a Map)
   * cannot cross between the program and the tests.
   */
  function encode(v, depth) {
    if (depth > MAX_DEPTH) throw new RangeError('value nests too deeply');
    switch (typeof v) {
      case 'string':
      case 'boolean':
        return v;
      case 'undefined':
        return { u: 0 };
      case 'bigint':
        return { i: Str(v) };
      case 'number':
        return v !== v || v === Infinity || v === -Infinity || (v === 0 && 1 / v < 0) ? { n: Str(1 / v < 0 && v === 0 ? '-0' : v) } : v;
    }
    if (v === null) return null;
    if (isArray(v)) {
      const a = [];
      for (let i = 0; i < v.length; i++) a[i] = encode(v[i], depth + 1);
      return a;
    }
    const proto = typeof v === 'object' ? getPrototypeOf(v) : undefined;
    if (proto !== ObjectPrototype && proto !== null)
      throw new TypeError('a ' + typeof v + ' that is not a plain object cannot be passed between the program and the tests');
    const pairs = [];
    for (const k of keys(v)) pairs[pairs.length] = [k, encode(v[k], depth + 1)];
    return { o: pairs };
  }
  function decode(d, depth) {
    if (depth > MAX_DEPTH) throw new RangeError('value nests too deeply');
    if (d === null || typeof d !== 'object') return d;
    if (isArray(d)) {
      const a = [];
      for (let i = 0; i < d.length; i++) a[i] = decode(d[i], depth + 1);
      return a;
    }
    if ('u' in d) return undefined;
    if (typeof d.i === 'string') return BigInt(d.i);
    if (typeof d.n === 'string') return d.n === '-0' ? -0 : Number(d.n);
    if (!isArray(d.o)) throw new TypeError('not a value');
    const o = {};
    for (const pair of d.o) defineProperty(o, Str(pair[0]), { value: decode(pair[1], depth + 1), writable: true, enumerable: true, configurable: true });
    return o;
  }

  /**
   * Program side: which of `names` the program defines, as functions ('fn', kept for `invoke`) or values
   * ([encoded]). Looked up here, in a call the host makes: code from strings (eval) cannot run while the
   * test code's context is the one that called in.
   */
  const exported = create(null);
  function names(namesJson) {
    const found = create(null);
    for (const name of parse(namesJson)) {
      if (typeof name !== 'string' || apply(regexpExec, /^[A-Za-z_$][\w$]*$/, [name]) === null) continue;
      try {
        const value = geval('typeof ' + name + " === 'undefined' ? undefined : " + name);
        if (typeof value === 'function') {
          exported[name] = value;
          found[name] = 'fn';
        } else if (value !== undefined) found[name] = [encode(value, 0)];
      } catch (_) {
        // a reserved word, or a value that cannot cross
      }
    }
    return stringify(found);
  }

  /** Program side: calls the program's function `name` with encoded arguments; `<status><payload>`. */
  function invoke(name, argsJson) {
    let value;
    try {
      const f = exported[name];
      if (f === undefined) return field('raised') + field('ReferenceError: ' + name + ' is not defined as a function');
      value = apply(f, undefined, decode(parse(argsJson), 0));
    } catch (e) {
      return field('raised') + field(describe(e));
    }
    try {
      return field('ok') + field(stringify(encode(value, 0)));
    } catch (e) {
      return field('raised') + field('TypeError: ' + describe(e));
    }
  }

  /** Test side: reads a `<length>:<text>` field of the program's reply, trusting nothing in it. */
  function readField(s, at) {
    const colon = s.indexOf(':', at);
    const length = colon < 0 ? NaN : Number(s.slice(at, colon));
    if (!(length >= 0 && colon + 1 + length <= s.length)) throw new ErrorCtor('the program sent a malformed answer');
    return [s.slice(colon + 1, colon + 1 + length), colon + 1 + length];
  }

  /** Test side: a stand-in for the program's function `name`. */
  function bridge(program, name) {
    return function (...args) {
      const request = stringify(encode(args, 0));
      let reply;
      try {
        reply = program('invoke', name, request);
      } catch (_) {
        // An object of the program's realm is never touched here, not even to read its message.
        throw new ErrorCtor('the program broke the call to ' + name);
      }
      if (typeof reply !== 'string') throw new ErrorCtor('the program sent something that is no answer');
      const [status, at] = readField(reply, 0);
      const [payload] = readField(reply, at);
      if (status === 'ok') return decode(parse(payload), 0);
      if (status !== 'raised') throw new ErrorCtor('the program sent something that is no answer');
      const colon = payload.indexOf(': ');
      const Type = colon > 0 ? errorTypes[payload.slice(0, colon)] : undefined;
      throw Type ? new Type(payload.slice(colon + 2)) : new ErrorCtor(payload);
    };
  }

  /** Test side: the identifiers of the test code that this context does not define, as JSON. */
  let wanted = [];
  function identifiers(testSource) {
    const seen = create(null);
    wanted = [];
    identifier.lastIndex = 0;
    for (let m; (m = apply(regexpExec, identifier, [testSource])) !== null;) {
      const name = m[0];
      if (!seen[name] && !(name in G)) {
        seen[name] = true;
        wanted[wanted.length] = name;
      }
    }
    return stringify(wanted);
  }

  /** Test side: binds the names the program said it defines (JSON from `names`, trusted in nothing). */
  function bind(program, namesJson) {
    const found = parse(namesJson);
    if (found === null || typeof found !== 'object') throw new ErrorCtor('the program sent no names');
    for (const name of wanted) {
      const kind = hasOwn(found, name) ? found[name] : undefined;
      if (kind === 'fn') defineProperty(G, name, { value: bridge(program, name), writable: true, configurable: true });
      else if (isArray(kind) && kind.length === 1) defineProperty(G, name, { value: decode(kind[0], 0), writable: true, configurable: true });
    }
    return '';
  }

  return function dispatch(op, a, b, c, d, e) {
    switch (op) {
      case 'input':
        input = a;
        return '';
      case 'runAll':
        return runAll(a, b, c, d, e);
      case 'collect':
        return collect(a, b);
      case 'drain':
        return drain();
      case 'report':
        return report();
      case 'names':
        return names(a);
      case 'invoke':
        return invoke(a, b);
      case 'identifiers':
        return identifiers(a);
      case 'bind':
        return bind(a, b);
    }
    return '';
  };
});
