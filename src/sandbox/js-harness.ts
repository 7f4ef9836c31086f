/**
 * The guest side of a JS run: a script run in each fresh context before the
 * program. It captures the intrinsics it needs (so a program that replaces
 * JSON or Reflect later cannot reach the harness), installs console, process,
 * require('fs'|'readline') shims that capture output inside the isolate, and
 * returns one dispatch function the host keeps a Reference to. Call-style
 * programs are evaluated by the harness itself (indirect eval), so loading the
 * program and running every test costs one call. Only strings
 * and numbers cross the boundary; results are length-prefixed fields
 * (`<length>:<text>`), so program output cannot forge the framing.
 */

export function harnessSource(outputBytes: number): string {
  return `(function () {
  'use strict';
  const G = globalThis;
  const parse = JSON.parse, stringify = JSON.stringify, now = Date.now, geval = eval, apply = Reflect.apply, finite = Number.isFinite;
  const Str = String, isArray = Array.isArray, keys = Object.keys, create = Object.create;
  const CAP = ${outputBytes};
  let out = '', err = '', used = 0, overflow = false, input = '', exitCode = -1;
  const handlers = { line: [], close: [], data: [], end: [] };
  const results = create(null);
  let done = 0;

  function emit(toErr, text) {
    if (overflow) return;
    if (used + text.length > CAP) { overflow = true; text = text.slice(0, CAP - used); }
    used += text.length;
    if (toErr) err += text; else out += text;
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
    return s + '\\n';
  }
  const log = (...a) => emit(false, format(a));
  const logErr = (...a) => emit(true, format(a));
  G.console = { log, info: log, debug: log, warn: logErr, error: logErr, trace: logErr,
    assert: (c, ...a) => { if (!c) logErr('Assertion failed', ...a); } };
  const on = (self, map) => (ev, cb) => { if (map[ev]) map[ev].push(cb); return self; };
  const lines = () => { const ls = input.replace(/\\r\\n/g, '\\n').split('\\n'); if (ls[ls.length - 1] === '') ls.pop(); return ls; };
  const stdin = { fd: 0, setEncoding() {}, resume() {}, pause() {} };
  stdin.on = on(stdin, { data: handlers.data, end: handlers.end });
  function createInterface() {
    const rl = { close() {}, pause() {}, resume() {}, setPrompt() {}, prompt() {} };
    rl.on = on(rl, { line: handlers.line, close: handlers.close });
    rl[Symbol.asyncIterator] = () => { const ls = lines(); let i = 0;
      return { next: () => Promise.resolve(i < ls.length ? { value: ls[i++], done: false } : { value: undefined, done: true }) }; };
    return rl;
  }
  function exit(code) { exitCode = code === undefined ? 0 : Number(code) | 0; throw new Error('process.exit(' + exitCode + ')'); }
  G.process = { stdin, argv: ['node', 'main.js'], env: {}, platform: 'linux', exit,
    stdout: { write: (s) => (emit(false, Str(s)), true) }, stderr: { write: (s) => (emit(true, Str(s)), true) } };
  const modules = {
    fs: { readFileSync(p) { if (p === 0 || p === '/dev/stdin') return input; throw new Error('ENOENT: no such file or directory, open ' + Str(p)); } },
    readline: { createInterface },
  };
  G.require = (name) => { const m = modules[Str(name).replace(/^node:/, '')]; if (!m) throw new Error("Cannot find module '" + Str(name) + "'"); return m; };
  G.module = { exports: {} };
  G.exports = G.module.exports;

  const field = (s) => s.length + ':' + s;
  const describe = (e) => { try { return e instanceof Error ? Str(e.name) + ': ' + Str(e.message) : 'thrown: ' + Str(e); } catch (_) { return 'thrown value'; } };
  // Evaluated with the program, so its top-level const and let bindings are in scope.
  const lookup = (name) => '(typeof ' + name + " === 'function' ? " + name + ' : undefined)';
  function record(i, status, t0, value, message) {
    results[i] = field(status) + field('' + (now() - t0)) + field(value === undefined ? '' : value) + field(out) + field(err + message);
  }
  let fn, loaded = false;
  function load(source, name) {
    done = -1;
    fn = geval(source + '\\n;' + lookup(name));
    if (typeof fn !== 'function') {
      const m = G.module && G.module.exports;
      fn = m && typeof m[name] === 'function' ? m[name] : typeof m === 'function' ? m : undefined;
    }
    loaded = true;
  }
  function runAll(name, argsJson, from, to, source) {
    if (!loaded) {
      try { load(source, name); } catch (e) { return field(overflow ? 'output_limit' : 'runtime_error') + field(describe(e)); }
    }
    const list = parse(argsJson);
    let pending = false;
    for (let i = from; i < to; i++) {
      done = i;
      out = ''; err = ''; used = 0; overflow = false; // each test has its own output cap
      const t0 = now();
      if (!fn) { record(i, 'runtime_error', t0, undefined, name + ' is not defined as a function'); continue; }
      try {
        const v = apply(fn, undefined, list[i]);
        if (v !== null && (typeof v === 'object' || typeof v === 'function') && typeof v.then === 'function') {
          results[i] = 'pending';
          pending = true;
          apply(v.then, v, [(x) => settle(i, t0, x), (e) => record(i, 'runtime_error', t0, undefined, describe(e))]);
        } else settle(i, t0, v);
      } catch (e) { record(i, overflow ? 'output_limit' : 'runtime_error', t0, undefined, describe(e)); }
    }
    done = to;
    // Without a promise to wait for, the results go back with this call: the host saves a call to collect.
    return pending ? '' : 'C' + collect(from, to);
  }
  // JSON writes NaN and Infinity as null: a function that returned one did not return null.
  const NON_FINITE = {};
  function nonFinite(v) {
    try { stringify(v, (k, x) => { if (typeof x === 'number' && !finite(x)) throw NON_FINITE; return x; }); return false; }
    catch (e) { return e === NON_FINITE; }
  }
  function settle(i, t0, v) {
    let json;
    try { json = stringify(v); } catch (e) { return record(i, 'runtime_error', t0, undefined, 'return value is not JSON: ' + describe(e)); }
    if (json === undefined) return record(i, 'runtime_error', t0, undefined, 'returned undefined');
    if (json.indexOf('null') >= 0 && nonFinite(v)) return record(i, 'runtime_error', t0, undefined, 'return value holds NaN or Infinity, which JSON cannot carry');
    // The return value is output too: it is bounded like stdout.
    if (json.length > CAP) return record(i, 'output_limit', t0, undefined, 'return value is ' + json.length + ' characters; the output limit is ' + CAP);
    record(i, overflow ? 'output_limit' : 'ok', t0, json, '');
  }
  function collect(from, to) {
    let s = field('' + done);
    for (let i = from; i < to; i++) { const r = results[i]; s += r === undefined ? '' : r === 'pending' ? field('timeout') + field('0') + field('') + field('') + field('promise never settled') : r; }
    return s;
  }
  function drain() {
    for (const h of handlers.data) h(input);
    for (const h of handlers.end) h();
    if (handlers.line.length > 0 || handlers.close.length > 0) {
      for (const l of lines()) for (const h of handlers.line) h(l);
      for (const h of handlers.close) h();
    }
    return '';
  }
  function report() { return field('' + exitCode) + field(overflow ? '1' : '0') + field(out) + field(err); }
  return function dispatch(op, a, b, c, d, e) {
    switch (op) {
      case 'input': input = a; return '';
      case 'runAll': return runAll(a, b, c, d, e);
      case 'collect': return collect(a, b);
      case 'drain': return drain();
      case 'report': return report();
    }
    return '';
  };
})()`;
}

/** Splits a `<length>:<text>` sequence back into its fields. */
export function decodeFields(encoded: string): string[] {
  const fields: string[] = [];
  let at = 0;
  while (at < encoded.length) {
    const colon = encoded.indexOf(':', at);
    const length = Number(encoded.slice(at, colon));
    fields.push(encoded.slice(colon + 1, colon + 1 + length));
    at = colon + 1 + length;
  }
  return fields;
}
